#!/usr/bin/env bash
# Regenerate the Simplified Chinese message catalog and compile it.
#
#   scripts/update-translations.sh
#
# Extracts every translatable string from the shequ package (all apps, templates and config, but not
# tests) into src/shequ/locale/zh_Hans/LC_MESSAGES/django.po, drops obsolete entries, then compiles
# django.mo. Both files are committed: a fresh machine may not have GNU gettext installed.
# New or changed strings show up untranslated (or "#, fuzzy") in the .po: translate them, remove the
# fuzzy flag and run this script again. Needs gettext (xgettext, msgmerge, msgfmt) on PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ -z "${VIRTUAL_ENV:-}" && -x "$ROOT/.venv/bin/django-admin" ]]; then
    PATH="$ROOT/.venv/bin:$PATH"
fi

for tool in xgettext msgmerge msgfmt; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "error: '$tool' not found; install GNU gettext (e.g. apt-get install gettext)" >&2
        exit 1
    fi
done

export DJANGO_SETTINGS_MODULE=shequ.config.settings
# Settings create their data dir relative to the working directory; keep it at the repo root's var/
# instead of littering src/shequ/ with one.
export SHEQU_DATA_DIR="${SHEQU_DATA_DIR:-$ROOT/var}"

mkdir -p src/shequ/locale
cd src/shequ
django-admin makemessages -l zh_Hans --no-obsolete --add-location=file --ignore 'tests/*' --ignore '*/tests/*'
django-admin compilemessages -l zh_Hans

echo "Catalog: src/shequ/locale/zh_Hans/LC_MESSAGES/django.po"
msgfmt --statistics -o /dev/null locale/zh_Hans/LC_MESSAGES/django.po
