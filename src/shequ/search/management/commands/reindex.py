from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the source data: every document re-analysed in batches, stale ones "
        "removed, suggestions recounted. Safe while the site runs. Run it after changing the analyser "
        "(dictionary, synonyms of new Chinese words) or switching search backend."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--doc-type",
            action="append",
            default=[],
            dest="doc_types",
            help="Only this document type (product, post…); repeat for several. Default: all registered.",
        )
        parser.add_argument("--batch-size", type=int, default=500, help="Documents per batch (default 500).")
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Empty a dedicated search engine's index first (after a mapping change).",
        )

    def handle(self, *args, doc_types, batch_size, clear, **options):
        from shequ.search.registry import registered_doc_types
        from shequ.search.services import search_reindex

        known = registered_doc_types()
        unknown = sorted(set(doc_types) - set(known))
        if unknown:
            raise CommandError(f"Unknown document type(s): {', '.join(unknown)}. Known: {', '.join(known)}.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        for doc_type in doc_types or known:
            self.stdout.write(f"Reindexing {doc_type}…")

            def progress(done: int, total: int) -> None:
                self.stdout.write(f"  {done}/{total}")

            report = search_reindex(doc_type=doc_type, batch_size=batch_size, clear=clear, progress=progress)
            self.stdout.write(
                self.style.SUCCESS(
                    f"{doc_type}: {report.indexed} indexed, {report.removed} removed, "
                    f"{report.phrases} suggestion phrases in {report.seconds:.1f}s"
                )
            )
