"""Plan the traceability of planned SKUs: production batches with raw-material origins, and third-party
inspection reports with the items tested (part of ``seed_plan``; plain data, no database).

Batch numbers look like the ones printed on packs (SQ20260315A01: line prefix, production date, factory
letter, run); report numbers follow each agency's style and are unique per agency. The newest batch of a SKU
is recent, older ones go back by a share of the shelf life, so short-lived products (fresh milk) have
expired batches. Most batches are inspected: nearly all pass, a few older ones failed (and were recalled),
and batches made in the last days are still pending.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from shequ.catalog import seed_data as data


@dataclass
class ReportPlan:
    agency: str
    report_no: str
    inspected_on: date
    result: str  # passed / failed / pending (InspectionResult values)
    items_tested: list[dict[str, str]]
    summary: str


@dataclass
class BatchPlan:
    batch_no: str
    production_date: date
    expiry_date: date
    factory: str
    origin: str
    raw_materials: list[dict[str, str]]
    quantity: int
    notes: str = ""
    reports: list[ReportPlan] = field(default_factory=list)


class TracePlanner:
    """Keeps the counters that make batch and report numbers unique across a whole catalog."""

    def __init__(self, rng: random.Random, *, today: date):
        self.rng = rng
        self.today = today
        self.batch_seq: Counter[str] = Counter()
        self.report_seq = {code: rng.randrange(10_000, 90_000) for _, code in data.AGENCIES}

    def batches(
        self, base: data.Base, brand: data.BrandSpec, *, shelf_life: int, status: str, factory: tuple[str, str]
    ) -> list[BatchPlan]:
        """Production runs of one SKU, newest first: recent enough to be on the shelf, older ones expiring."""
        rng = self.rng
        if status == "draft":
            count = 1 if rng.random() < 0.5 else 0
        else:
            count = 0 if rng.random() < 0.08 else rng.choice((1, 2, 2, 3))
        shelf = shelf_life
        offset = rng.randint(1, max(2, min(60, shelf // 4)))
        batches = []
        for index in range(count):
            produced = self.today - timedelta(days=offset)
            plant, origin_key = factory if rng.random() < 0.8 else rng.choice(brand.factories)
            letter = "ABCDEFGH"[brand.factories.index((plant, origin_key)) % 8]
            key = f"{brand.batch_prefix}{produced:%Y%m%d}{letter}"
            self.batch_seq[key] += 1
            batch = BatchPlan(
                batch_no=f"{key}{self.batch_seq[key]:02d}",
                production_date=produced,
                expiry_date=produced + timedelta(days=shelf),
                factory=plant,
                origin=data.ORIGINS[origin_key][0],
                raw_materials=self._raw_materials(base),
                quantity=rng.randrange(2_000, 60_000, 100),
            )
            batch.reports = self._reports(base, batch, latest=index == 0)
            if any(report.result == "failed" for report in batch.reports):
                batch.notes = "该批次抽检不合格，已停止销售并全部召回销毁。"
            batches.append(batch)
            offset += max(5, min(240, int(shelf * rng.uniform(0.3, 0.9))))
        return batches

    def _raw_materials(self, base: data.Base) -> list[dict[str, str]]:
        """One origin per material (a base may list the same material from two places)."""
        by_material: dict[str, list[str]] = {}
        for material, _english, origin in base.raw:
            by_material.setdefault(material, []).append(origin)
        return [
            {"material": material, "origin": data.ORIGINS[self.rng.choice(origins)][0]}
            for material, origins in by_material.items()
        ]

    def _reports(self, base: data.Base, batch: BatchPlan, *, latest: bool) -> list[ReportPlan]:
        rng = self.rng
        age = (self.today - batch.production_date).days
        if age <= 5:
            results = ["pending"]
        elif rng.random() < 0.12:
            return []
        else:
            failed = not latest and rng.random() < 0.04
            results = ["failed" if failed else ("pending" if rng.random() < 0.01 else "passed")]
            if rng.random() < 0.08:
                results.append("passed")
        agencies = rng.sample(data.AGENCIES, len(results))
        reports = []
        for result, (agency, code) in zip(results, agencies, strict=True):
            inspected = batch.production_date + timedelta(
                days=1 if result == "pending" else rng.randint(2, min(10, age))
            )
            reports.append(
                ReportPlan(
                    agency=agency,
                    report_no=self._report_no(code, inspected),
                    inspected_on=min(inspected, self.today),
                    result=result,
                    items_tested=[],
                    summary="",
                )
            )
            self._fill_items(base, reports[-1])
        return reports

    def _report_no(self, code: str, on: date) -> str:
        self.report_seq[code] += 1
        seq, yy = self.report_seq[code], on.year % 100
        return {
            "PONY": f"PONY-{yy:02d}{on.month:02d}-{seq:06d}",
            "CTI": f"A22{yy:02d}{seq:07d}01",
            "SGS": f"SHHG{yy:02d}{seq:06d}",
            "CCIC": f"CCIC{yy:02d}SH{seq:06d}",
            "ITS": f"SHAF{yy:02d}{seq:06d}",
        }[code]

    def _fill_items(self, base: data.Base, report: ReportPlan) -> None:
        rng = self.rng
        items = data.INSPECTION_ITEMS[base.inspection]
        chosen = [item for index, item in enumerate(items) if index < 3 or rng.random() < 0.6]
        failing = rng.randrange(len(chosen)) if report.result == "failed" else -1
        rows = []
        for index, (item, _english, limit, passing, failing_value) in enumerate(chosen):
            if report.result == "pending":
                result = "检测中"
            elif index == failing:
                result = f"不合格（{failing_value}，标准{limit}）"
            else:
                result = f"合格（{rng.choice(passing)}）"
            rows.append({"item": item, "result": result[:60]})
        report.items_tested = rows
        standard = base.standard
        if report.result == "passed":
            report.summary = f"依据 {standard} 抽样检验，所检{len(rows)}项指标均符合要求，判定合格。"
        elif report.result == "failed":
            report.summary = f"{chosen[failing][0]}项目不符合 {standard} 要求，判定不合格。该批次已停止销售并召回。"
        else:
            report.summary = f"样品已于{report.inspected_on:%Y年%m月%d日}送检，报告预计3–5个工作日内出具。"
