"""docs/data-formats.md, written from the format definitions so the two never disagree."""

from casebridge.imports.formats import Column, ExtractFormat, extract_formats

INTRODUCTION = """\
# Partner data formats

<!-- Written by `casebridge data-formats --out docs/data-formats.md` from
casebridge/imports/definitions/*.yaml: change those, then run it (a test checks they agree). -->

Partners send extracts as **CSV** (saved as UTF-8, e.g. Excel's "CSV UTF-8 (comma delimited)")
or as an **Excel workbook** (.xlsx; the first sheet is read). The first line names the columns,
in any order; optional columns may be left out, and a column the format does not have is an
error (so a misspelt column is never dropped unnoticed).

Import a file with the **Imports** page (analysts), or

```sh
casebridge import --kind police-offences --supplied-by met-police --as analyst.user FILE
```

## How a file is loaded

- **One file is one batch.** Every row is checked; the valid rows are loaded together, in one
  transaction, or not at all. Every loaded record remembers its batch and line. The file is
  read in chunks of 2,000 rows and written a table at a time, so a file of a million rows
  loads in minutes in well under a gigabyte of memory.
- **Rejected rows are kept**, as sent, with their line number (the header is line 1) and every
  reason, on the batch's page and as a CSV to send back for correction.
- **A file already loaded is refused**, and a row an earlier batch loaded (the same reference)
  is counted as unchanged. One sent again changed only in the columns its format lets change
  (an offence's outcome) updates the record, which remembers the batch; any other change is
  rejected, not applied.
- **A file that can't be read at all** (not UTF-8, no header, cut short inside a quoted value,
  a cell of over 10,000 characters, a damaged workbook) fails whole with a message saying
  what and where; nothing is loaded.
- **Limits.** A file may be up to 200 MB and 1,000,000 rows, and an import may take up to 30
  minutes (each is a setting: [configuration.md](configuration.md)). A row may have the
  format's columns and up to 100 blank ones after them; a cell up to 10,000 characters. A
  workbook may unzip to no more than the largest file taken, and is read by the rows and cells
  it holds, whatever range it declares. A file past a limit fails whole, saying which; a
  large workbook saved as CSV UTF-8 is a fraction of the size.
- **People**: each row's subjects (a victim, a patient...) are recorded as the supplying
  agency's records. One with an identifier Casebridge already holds (PNC ID, NHS number, CRN,
  council reference) is that person; the rest are matched by identity resolution
  ([linkage.md](linkage.md)).
- **A person without a date of birth** does not cost the row: every date of birth is
  *recommended*, not required, because partners' systems often lack one. The row loads, with a
  note on the batch's page saying how its person was matched: by the row's identifier alone
  (a PNC ID, CRN, NHS number or council reference), or, with none, not with anyone held until
  identity resolution (on name, sex and postcode) or an analyst links them.

## Types

| type | write it as |
| --- | --- |
| text | as it is (leading and trailing spaces are dropped) |
| integer | a whole number |
| date | `YYYY-MM-DD` or `DD/MM/YYYY` |
| datetime | `YYYY-MM-DD HH:MM[:SS]` or `DD/MM/YYYY HH:MM[:SS]`, UK local time |
| boolean | `Y` or `N` (also yes/no, true/false, 1/0) |
| code | one of the codes listed, in any case |
| sex | `F` or `M`, blank when not known |
| postcode | a UK postcode, with or without its space |
| nhs_number | 10 digits; the check digit is checked |

A date marked *past* may not be in the future; no date may be before 1900.
"""


def _rules(column: Column) -> str:
    rules = []
    if column.required:
        rules.append("required")
    if column.recommended:
        rules.append("recommended (a row without it loads, with a note)")
    if column.required_with:
        rules.append(f"required with `{column.required_with}`")
    if column.only_with_code:
        rules.append(f"only with `{column.only_with}` `{column.only_with_code}`")
    elif column.only_with:
        rules.append(f"only with `{column.only_with}`")
    if column.past:
        rules.append("past")
    if column.not_before:
        rules.append(f"not before `{column.not_before}`")
    if column.max_length:
        rules.append(f"at most {column.max_length} characters")
    if column.minimum is not None or column.maximum is not None:
        rules.append(f"{column.minimum} to {column.maximum}")
    return ", ".join(rules)


def _meaning(column: Column) -> str:
    codes = "<br>".join(f"`{code}`: {label}" for code, label in column.codes)
    return f"{column.description}<br>{codes}" if codes else column.description


def _format_section(extract: ExtractFormat) -> str:
    lines = [
        f"## {extract.title}",
        "",
        f"Kind `{extract.kind}`, from a {extract.supplied_by.replace('_', ' ')} agency. "
        f"{extract.description.strip()}",
        "",
        f"The reference column is `{extract.reference}`; `{extract.occurred}` says when."
        + (
            f" A later extract may change {', '.join(f'`{c}`' for c in extract.updatable)}."
            if extract.updatable
            else ""
        ),
        "",
        "| column | type | rules | meaning |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| `{c.name}` | {c.type} | {_rules(c)} | {_meaning(c)} |" for c in extract.columns]
    example = extract.example_path().read_text().strip()
    lines += ["", "Example:", "", "```csv", example, "```", ""]
    return "\n".join(lines)


def formats_markdown() -> str:
    sections = [_format_section(extract) for extract in extract_formats().values()]
    return "\n".join([INTRODUCTION, *sections])
