"""`jixiao` commands. Each parses its options into a config and calls one library function;
data goes to stdout, messages and progress to stderr."""

from __future__ import annotations

import gc
import os
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from extract.errors import ExecutorUnavailable, NoInputs
from extract.executor import ExecutorConfig
from extract.settings import DEFAULT_SETTINGS, Crops, Layer, OcrMode, OcrSettings

# Heavy imports (PyMuPDF, polars, the OCR stack) happen inside the commands that need them:
# `jixiao --help`, `--version` and usage errors answer at once.
DEFAULT_WORKERS = os.cpu_count() or 1

app = typer.Typer(
    help="jixiao (绩效): Chinese performance self-evaluation forms (绩效自评表) → audited data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help and errors (one line each), as click prints them: no boxes, no "<bool>" types.
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"jixiao {version('jixiao')}")
        except PackageNotFoundError:
            typer.echo("jixiao (not installed)")
        raise typer.Exit()


@app.callback()
def main(
    show_version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                               help="Print the version and exit.")] = False,
) -> None:
    """jixiao (绩效): Chinese performance self-evaluation forms (绩效自评表) → audited data."""


class ExecutorKind(str, Enum):
    local = "local"
    ray = "ray"


# Options shared by several commands, declared once.
RulesOption = Annotated[
    Path | None,
    typer.Option("--rules", exists=True, dir_okay=False, help="Audit rules TOML overriding the defaults (grade bands …)."),
]
StrictOption = Annotated[bool, typer.Option(
    "--strict", help="Exit 1 if any document failed (ingest) or any finding is an error (audit), with a summary on stderr.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary (failures still go to stderr with --strict).")]
RawOption = Annotated[bool, typer.Option("--raw", help="The reading as it was: without the corrections journal.")]


def main() -> None:
    """The `jixiao` command: the app, then an exit that skips the interpreter's last garbage
    collection over what is still alive (PyMuPDF's and polars' objects among it): it finds
    nothing a command leaves behind and took 0.25 s of every run (scripts/bench_command.py).
    atexit handlers and file flushes run as ever."""
    try:
        app()
    finally:
        gc.freeze()


def _out():
    """Where tables go: the terminal at its width, or a pipe or file at a width that keeps
    rows whole (rich would fold them to 80 columns)."""
    from rich.console import Console  # rich loads only for what it prints: a quiet run has none

    console = Console()
    return console if console.is_terminal else Console(width=200)


def _say(message: str) -> None:
    """A message line on stderr, never wrapped (scripts grep these)."""
    typer.echo(message, err=True)


def _choice(choices: type[Enum]) -> dict:
    """An option's parser and metavar for an Enum of choices. A wrong one reads "Invalid value
    for '--ocr': 'x' is not one of auto, always, never" (typer's own coercion would prefix it
    with pydantic's "Value error, ")."""
    def parse(value):
        if isinstance(value, choices):
            return value
        try:
            return choices(value)
        except ValueError:
            raise typer.BadParameter(f"{value!r} is not one of " + ", ".join(c.value for c in choices)) from None

    return {"parser": parse, "metavar": "<" + "|".join(c.value for c in choices) + ">"}


def _progress():
    """A progress bar on a terminal, else one line per document."""
    from rich.console import Console

    from extract.cli.render import BarProgress, LineProgress

    err = Console(stderr=True)
    return BarProgress(err) if err.is_terminal else LineProgress(_say)


def _fail_usage(message: str) -> None:
    _say(f"jixiao: {message}")
    raise typer.Exit(2)


def _rules(path: Path | None):
    from extract.audit.rules import RulesError, load_rules

    try:
        return load_rules(path)
    except RulesError as exc:
        _fail_usage(str(exc))


def _strict_exit(findings) -> None:
    errors = findings.filter(findings["severity"] == "error")
    if errors.height:
        _say(f"{errors.height} error finding(s) in {errors['form_id'].n_unique()} form(s)")
        raise typer.Exit(1)


def _say_stale(directory: Path) -> None:
    """Corrections whose field now reads otherwise than when they were made (the file was
    read again): they still apply, and a person should look."""
    from extract.dataset.corrections import stale_in

    for e in stale_in(directory).iter_rows(named=True):
        now = "no longer read" if e["read_now"] is None else f"now reads {e['read_now']!r}"
        _say(f"correction of {e['form_id']} {e['subject']}.{e['field']} was made on {e['old']!r}; "
             f"the reading {now} (the correction {e['new']!r} still applies)")


def _need_dataset(directory: Path) -> None:
    from extract.dataset.load import is_dataset

    if not is_dataset(directory):
        _fail_usage(f"{directory}: no dataset here (no forms table); run jixiao ingest first")


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(exists=True, metavar="PATH", help="PDF/TIFF/PNG/JPEG files, .zip/.7z/.rar archives of them, or folders (recursive).")],
    out: Annotated[Path, typer.Option("--out", help="Dataset directory (created; re-runs add new files).")],
    workers: Annotated[int, typer.Option(min=1, metavar="N", help="Worker processes (default: all cores).")] = DEFAULT_WORKERS,
    ocr: Annotated[OcrMode, typer.Option(**_choice(OcrMode), help="OCR pages: auto = only where the text layer is missing.")] = OcrMode.auto,
    dpi: Annotated[int, typer.Option(min=72, max=600, metavar="DPI", help="Render resolution for OCR.")] = 200,
    second_reading: Annotated[bool, typer.Option(
        help="Scans: read what the first recogniser is unsure of again with a second one; agreement clears the doubt.")] = True,
    timeout: Annotated[float, typer.Option(min=1, metavar="SECONDS", help="Seconds one document may take before it is recorded as failed.")] = ExecutorConfig().timeout_s,
    rules: RulesOption = None,
    strict: StrictOption = False,
    quiet: QuietOption = False,
    executor: Annotated[ExecutorKind, typer.Option(**_choice(ExecutorKind), help=(
        "Where documents run: local worker processes, or Ray actors (the ray extra; inputs and --out on a "
        "filesystem every node shares)."))] = ExecutorKind.local,
    ray_address: Annotated[str | None, typer.Option(
        "--ray-address", metavar="ADDR", help="The Ray cluster (ray://head:10001, or auto); default: a local Ray instance.")] = None,
) -> None:
    """Read every form in the inputs, write the dataset to --out, and audit it."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".jixiao-write-test"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        _fail_usage(f"cannot write to {out}: {exc.strerror or exc}")
    settings = replace(DEFAULT_SETTINGS, ocr=OcrSettings(mode=ocr.value, dpi=dpi, second_reading=second_reading))
    from extract.batch import IngestConfig, ingest

    config = IngestConfig(workers=workers, settings=settings, rules=_rules(rules), timeout_s=timeout)
    if ray_address and executor != ExecutorKind.ray:
        _fail_usage("--ray-address needs --executor ray")
    runner = None
    if executor == ExecutorKind.ray:
        from extract.batch import ray_executor

        runner = ray_executor(config, ray_address)

    progress = None if quiet else _progress()
    try:
        summary = ingest(paths, out, config, progress=progress, executor=runner)
    except NoInputs as exc:
        _fail_usage(str(exc))
    except ExecutorUnavailable as exc:
        _fail_usage(str(exc))
    finally:
        if progress is not None:
            progress.stop()
    if not quiet:
        from extract.cli.render import print_ingest_summary

        print_ingest_summary(_out(), summary, out)
        _say_stale(out)
    if strict and summary.failed:
        for path, error in summary.failures:
            _say(f"failed: {path}: {error}")
        raise typer.Exit(1)


@app.command("audit")
def audit_cmd(
    directory: Annotated[Path, typer.Argument(exists=True, file_okay=False, metavar="DATASET", help="A dataset directory (from ingest).")],
    rules: RulesOption = None,
    strict: StrictOption = False,
) -> None:
    """Recompute findings.parquet from the dataset and print a summary."""
    _need_dataset(directory)
    from extract.audit import audit_directory
    from extract.cli.render import print_audit_summary
    from extract.dataset import read_table

    findings = audit_directory(directory, _rules(rules))
    print_audit_summary(_out(), findings, read_table(directory, "forms"))
    _say_stale(directory)
    if strict:
        _strict_exit(findings)


@app.command("compact")
def compact_cmd(
    directory: Annotated[Path, typer.Argument(exists=True, file_okay=False, metavar="DATASET", help="A dataset directory (from ingest).")],
) -> None:
    """Merge the parts checkpoints appended into one parquet file per table (ingest does it at its end)."""
    _need_dataset(directory)
    from extract.dataset.store import compact

    merged = compact(directory)
    _say(f"compact: {merged} part file(s) merged into the tables of {directory}" if merged
         else f"compact: {directory} has no parts; nothing to do")


@app.command("show")
def show_cmd(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, metavar="FILE", help="A PDF or a scan image (TIFF/PNG/JPEG).")],
    form: Annotated[int | None, typer.Option("--form", min=0, metavar="N", help="Only this form (0-based).")] = None,
    overlay: Annotated[Path | None, typer.Option(
        "--overlay", dir_okay=False, help="Write a PNG of the form pages: grid, fields coloured by block, doubts marked.")] = None,
    dpi: Annotated[int, typer.Option(min=36, max=300, metavar="DPI", help="Overlay resolution.")] = 110,
    layer: Annotated[list[Layer] | None, typer.Option(
        "--layer", help="What the overlay draws, one stage of the reading each (repeatable; default: cells and fields).",
        show_default=False, **_choice(Layer))] = None,
) -> None:
    """Print one document's extracted forms as tables (and draw them over the pages)."""
    from extract.cli.render import print_document
    from extract.document import process_document

    layouts: list = []
    res = process_document(file, file.name, layouts=layouts)
    if res.status == "failed":
        _say(f"jixiao: {file}: {res.error}")
        raise typer.Exit(1)
    if form is not None and not any(f.form_index == form for f in res.forms):
        _fail_usage(f"{file}: no form {form} (the document has {len(res.forms)})")
    print_document(_out(), res, form)
    if overlay is not None:
        from extract.report import draw_overlay

        drawn = draw_overlay(file, res, layouts, form, dpi, tuple(layer) if layer else (Layer.cells, Layer.fields))
        try:
            overlay.write_bytes(drawn.png)
        except OSError as exc:
            _fail_usage(f"cannot write {overlay}: {exc.strerror or exc}")
        _say(f"overlay: pages {', '.join(map(str, drawn.pages)) or 'none'}, {len(drawn.fields)} field box(es) → {overlay}")


class ExportFormat(str, Enum):
    xlsx = "xlsx"
    csv = "csv"


class Labels(str, Enum):
    en = "en"
    zh = "zh"


class StatsBy(str, Enum):
    department = "department"
    year = "year"


class StatsFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


DatasetArgument = Annotated[Path, typer.Argument(exists=True, file_okay=False, metavar="DATASET", help="A dataset directory (from ingest).")]




@app.command("export")
def export_cmd(
    directory: DatasetArgument,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="xlsx: one workbook, a sheet per table; csv: a file per table (UTF-8 with BOM).", **_choice(ExportFormat))] = ExportFormat.xlsx,
    labels: Annotated[Labels, typer.Option(**_choice(Labels), help="Column headers: en = column names, zh = the forms' own Chinese.")] = Labels.en,
    out: Annotated[Path | None, typer.Option("--out", help="Workbook file (xlsx) or folder (csv); default DIR/jixiao.xlsx or DIR/csv/.")] = None,
    raw: RawOption = False,
) -> None:
    """Write the tables (findings and corrections included) for people who use spreadsheets."""
    from extract.dataset.export import default_output, export_dataset

    _need_dataset(directory)
    try:
        written = export_dataset(directory, fmt.value, labels.value, out, raw)
    except OSError as exc:
        _fail_usage(f"cannot write to {out or default_output(directory, fmt.value)}: {exc.strerror or exc}")
    for path in written:
        _say(f"wrote {path}")


@app.command("stats")
def stats_cmd(
    directory: DatasetArgument,
    by: Annotated[StatsBy, typer.Option(**_choice(StatsBy), help="Group the forms per department and year, or per year.")] = StatsBy.department,
    fmt: Annotated[StatsFormat, typer.Option("--format", help="table (terminal), csv (the per-group table) or json (everything).", **_choice(StatsFormat))] = StatsFormat.table,
    rules: RulesOption = None,
    consistency: Annotated[bool, typer.Option("--consistency", help="The department table of the cross-project audit (consistency.parquet).")] = False,
    raw: RawOption = False,
) -> None:
    """Cross-project aggregates: scores, execution, full marks, findings per department or year."""
    from extract.cli.render_stats import print_consistency, print_stats, stats_csv, stats_json
    from extract.dataset.stats import load_stats_input, stats_report

    _need_dataset(directory)
    if consistency:
        from extract.dataset.stats import consistency_table

        table = consistency_table(directory, _rules(rules))
        if fmt == StatsFormat.table:
            print_consistency(_out(), table)
        else:
            typer.echo(table.write_csv() if fmt == StatsFormat.csv else table.write_json(), nl=fmt == StatsFormat.json)
        return
    tables, findings = load_stats_input(directory, raw)
    report = stats_report(tables, findings, ("department", "year") if by == StatsBy.department else ("year",), _rules(rules))
    if fmt == StatsFormat.table:
        print_stats(_out(), report)
    else:
        typer.echo(stats_csv(report) if fmt == StatsFormat.csv else stats_json(report), nl=fmt == StatsFormat.json)


@app.command("report")
def report_cmd(
    directory: DatasetArgument,
    out: Annotated[Path | None, typer.Option("--out", dir_okay=False, help="The HTML file (default DIR/report.html).")] = None,
    crops: Annotated[Crops, typer.Option(**_choice(Crops),
        help="Source page images: for all forms, only flagged ones (findings, review; for large archives), none.")] = Crops.all,
    dpi: Annotated[int, typer.Option(min=50, max=200, metavar="DPI", help="Resolution of the page crops.")] = 100,
    sources: Annotated[Path | None, typer.Option(
        "--sources", exists=True, file_okay=False,
        help="The folder given to ingest, if the files have moved since (documents.path is relative to it).")] = None,
    raw: RawOption = False,
) -> None:
    """One self-contained HTML audit report: overview, charts, all forms, a page per form."""
    from extract.report import ReportOptions, write_report

    _need_dataset(directory)
    target = out or directory / "report.html"
    try:
        summary = write_report(directory, target, ReportOptions(crops=crops.value, dpi=dpi, sources=sources, raw=raw))
    except OSError as exc:
        _fail_usage(f"cannot write {target}: {exc.strerror or exc}")
    for path in summary.missing_sources:
        _say(f"no page images for {path}: its source file is not recorded or cannot be opened (see --sources)")
    _say(f"report: {summary.forms} form(s), {summary.crops} page crop(s), {summary.bytes / 1e6:.1f} MB → {target}")


FormOption = Annotated[str, typer.Option("--form", metavar="FORM_ID", help="The form (forms.form_id, as in findings).")]
SubjectOption = Annotated[str, typer.Option(
    "--subject", metavar="SUBJECT", help="form, fund_lines[N] or indicators[N] (as in findings).")]
FieldOption = Annotated[str, typer.Option("--field", metavar="FIELD", help="The column (funds_score, target …).")]
NoteOption = Annotated[str | None, typer.Option("--note", metavar="TEXT", help="Why (kept in the journal).")]
ReviewerOption = Annotated[str | None, typer.Option("--reviewer", metavar="NAME", help="Who (default: the login name).")]


def _journal_entry(directory: Path, form_id: str, subject: str, name: str, value: str | None, action: str,
                   note: str | None, reviewer: str | None, rules_path: Path | None) -> None:
    """One entry appended to the corrections journal, checked against the dataset as read,
    then the audit run again over the corrected dataset."""
    _need_dataset(directory)
    import polars as pl

    from extract.audit import audit_directory
    from extract.dataset import read_dataset
    from extract.dataset.corrections import CorrectionError, check, record

    rules = _rules(rules_path)
    try:
        entry = check(read_dataset(directory, ("fund_lines", "indicators", "boxes"), raw=True), form_id, subject, name, value,
                      action, reviewer or _login(), note)
    except CorrectionError as exc:
        _fail_usage(str(exc))
    record(directory, [entry])
    what = f"{entry.subject}.{entry.field}"
    _say(f"{action}ed {form_id} {what}: {entry.old!r} → {entry.new!r}" if action == "correct"
         else f"confirmed {form_id} {what}: {entry.old!r}")
    findings = audit_directory(directory, rules)
    forms = read_dataset(directory, ())["forms"].filter(pl.col("form_id") == form_id)
    left = forms["doubts_open"][0].to_list() if forms.height else []
    _say(f"{form_id}: {findings.filter(findings['form_id'] == form_id).height} finding(s); "
         + (f"still to review: {', '.join(left)}" if forms.height and forms["needs_review"][0] else "not under review"))


def _login() -> str | None:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


@app.command("correct")
def correct_cmd(
    directory: DatasetArgument,
    form: FormOption,
    subject: SubjectOption,
    field: FieldOption,
    value: Annotated[str, typer.Option("--value", metavar="TEXT", help="The value as printed on the form (\"9.17\", \"≥95%\", \"—\" for empty).")],
    note: NoteOption = None,
    reviewer: ReviewerOption = None,
    rules: RulesOption = None,
) -> None:
    """Record a correction of one field in the corrections journal (every reader applies it) and audit again."""
    _journal_entry(directory, form, subject, field, value, "correct", note, reviewer, rules)


@app.command("confirm")
def confirm_cmd(
    directory: DatasetArgument,
    form: FormOption,
    subject: SubjectOption,
    field: FieldOption,
    note: NoteOption = None,
    reviewer: ReviewerOption = None,
    rules: RulesOption = None,
) -> None:
    """Record that one field was read right (its doubt is settled) and audit again."""
    _journal_entry(directory, form, subject, field, None, "confirm", note, reviewer, rules)


@app.command("review")
def review_cmd(
    directory: DatasetArgument,
    port: Annotated[int, typer.Option(min=1, max=65535, metavar="PORT", help="Port to listen on.")] = 8765,
    host: Annotated[str, typer.Option(
        metavar="HOST", help="Address to listen on; anything but 127.0.0.1 lets other machines in (the token still guards every change).")] = "127.0.0.1",
    reviewer: ReviewerOption = None,
    open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Open the page in the browser.")] = True,
    rules: RulesOption = None,
) -> None:
    """A local web page to settle every doubtful field and extraction finding, worst first, into the corrections journal."""
    _need_dataset(directory)
    try:
        from extract.review.app import Review, serve
    except ImportError as exc:
        _fail_usage(f"the review page needs the review extra: pip install 'jixiao[review]' ({exc.name} is missing)")
    review = Review(directory, reviewer=reviewer or _login(), rules=_rules(rules))

    def ready(url: str) -> None:
        _say(f"review: {url}  (Ctrl-C to stop)")
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    try:
        serve(review, host, port, on_ready=ready)
    except OSError as exc:
        _fail_usage(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
