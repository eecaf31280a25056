import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casebridge.audit.models import AuditEvent
from casebridge.imports.models import ImportBatch
from tests.factories import UserFactory, role
from tests.imports.factories import analyst, matrix_batch, offence, offences_csv, police

pytestmark = pytest.mark.django_db


def upload(client, *, supplier, content: bytes, name: str = "offences.csv", kind="police-offences"):
    return client.post(
        reverse("imports:upload"),
        {"kind": kind, "supplied_by": supplier.pk, "file": SimpleUploadedFile(name, content)},
    )


def test_an_analyst_uploads_a_file_and_sees_its_summary(signed_in_client):
    client, supplier = signed_in_client(analyst()), police()
    content = offences_csv(offence("01/1/22"), offence("01/2/22", victim_sex="X"))
    response = upload(client, supplier=supplier, content=content)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:batch_detail", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "1 row loaded" in page and "1 rejected" in page
    assert "victim_sex: &#x27;X&#x27; is not F or M" in page


def test_a_refused_upload_reshows_the_choices_with_the_error(signed_in_client):
    client, supplier = signed_in_client(analyst()), police()
    content = offences_csv(offence())
    upload(client, supplier=supplier, content=content)
    response = upload(client, supplier=supplier, content=content)
    page = response.content.decode()
    assert response.status_code == 400
    assert "This file was imported already" in page
    assert f'<option value="{supplier.pk}" selected>' in page
    assert '<option value="police-offences" selected>' in page


def test_an_upload_without_a_file_says_so(signed_in_client):
    response = signed_in_client(analyst()).post(
        reverse("imports:upload"), {"kind": "police-offences", "supplied_by": police().pk}
    )
    assert response.status_code == 400
    assert "Select the file to import" in response.content.decode()


def test_a_running_batch_shows_a_progress_bar_and_its_progress_endpoint_counts(signed_in_client):
    user = analyst()
    batch = matrix_batch(user.agency)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.VALIDATING, rows_read=500, rows_expected=2_000
    )
    client = signed_in_client(user)
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert '<progress class="casebridge-progress" max="100" value="25"' in page
    assert "imports/progress" in page
    progress = client.get(reverse("imports:batch_progress", args=[batch.pk])).json()
    assert progress == {
        "status": "validating",
        "status_label": "Checking rows",
        "finished": False,
        "percent": 25,
        "rows_read": 500,
        "rows_expected": 2_000,
        "matching": False,
        "linkage": batch.linkage,
    }


def test_rejected_rows_list_with_line_reasons_and_cells(signed_in_client):
    user = analyst()
    batch = matrix_batch(user.agency)
    page = signed_in_client(user).get(reverse("imports:rejected", args=[batch.pk]))
    text = page.content.decode()
    assert '<td class="govuk-table__cell">3</td>' in text
    assert "offence_group: &#x27;x&#x27; is not one of its codes" in text
    assert AuditEvent.objects.filter(summary__startswith="Viewed rejected rows").exists()


def test_rejected_rows_download_as_csv_safe_for_spreadsheets(signed_in_client):
    user = analyst()
    content = offences_csv(offence(victim_given_name="=HYPERLINK(1)", victim_sex="X"))
    client = signed_in_client(user)
    upload(client, supplier=police(), content=content)
    batch = ImportBatch.objects.get()
    response = client.get(reverse("imports:rejected_csv", args=[batch.pk]))
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("line,reasons,crime_reference,offence_group")
    assert lines[1].startswith("2,victim_sex: 'X' is not F or M")
    assert "'=HYPERLINK(1)" in lines[1]
    assert AuditEvent.objects.filter(action="export", object_id=str(batch.pk)).exists()


def test_another_agencys_batch_is_not_found(signed_in_client):
    batch = matrix_batch(analyst().agency)
    client = signed_in_client(analyst())
    for name in ("batch_detail", "batch_progress", "rejected", "rejected_csv"):
        assert client.get(reverse(f"imports:{name}", args=[batch.pk])).status_code == 404


def test_a_guessed_batch_id_is_not_found(signed_in_client):
    client = signed_in_client(analyst())
    assert client.get(reverse("imports:batch_detail", args=[987654])).status_code == 404


@pytest.mark.parametrize("role_code", ["practitioner", "panel_coordinator", "manager", "auditor"])
def test_other_roles_may_not_import(signed_in_client, role_code):
    client = signed_in_client(UserFactory(role=role(role_code)))
    assert client.get(reverse("imports:upload")).status_code == 404
    response = upload(client, supplier=police(), content=offences_csv(offence()))
    assert response.status_code == 404
    assert not ImportBatch.objects.exists()


def test_the_batch_list_shows_only_the_agencys_batches(signed_in_client):
    user = analyst()
    mine, theirs = matrix_batch(user.agency), matrix_batch(analyst().agency)
    page = signed_in_client(user).get(reverse("imports:batch_list")).content.decode()
    assert reverse("imports:batch_detail", args=[mine.pk]) in page
    assert reverse("imports:batch_detail", args=[theirs.pk]) not in page


def test_the_formats_page_lists_every_format_and_its_codes(signed_in_client):
    page = signed_in_client(analyst()).get(reverse("imports:formats")).content.decode()
    assert "Police recorded offences and their outcomes" in page
    assert "<code>violence_with_injury</code>" in page


def test_an_analyst_matches_a_batch_loaded_before_there_was_a_model(signed_in_client):
    from tests.linkage.factories import current_model, person

    user = analyst()
    held = person("Amira", "Hussain")
    client = signed_in_client(user)
    upload(client, supplier=police(), content=offences_csv(offence()))
    batch = ImportBatch.objects.get()
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert "Match these people with the people held" in page
    current_model()
    response = client.post(reverse("imports:batch_match", args=[batch.pk]), follow=True)
    assert "1 linked to people already held" in response.content.decode()
    assert held.merged_records.count() == 1


def test_a_batch_whose_server_stopped_says_so_and_to_import_again(signed_in_client):
    from datetime import timedelta

    from django.utils import timezone

    user = analyst()
    batch = matrix_batch(user.agency)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.LOADING, progressed_at=timezone.now() - timedelta(hours=2)
    )
    page = signed_in_client(user).get(reverse("imports:batch_detail", args=[batch.pk]))
    text = page.content.decode()
    assert "This import stopped before it finished" in text
    assert "imports/progress" not in text


def test_the_upload_of_a_hostile_file_returns_at_once_and_other_pages_answer_meanwhile(
    signed_in_client, settings, tmp_path
):
    """The upload's request only queues the batch's check and load for a worker: it ends as
    the batch is recorded, and other requests are answered whatever the worker is doing. (The
    queue is the database backend's; the test then runs the queued task as a worker would.)"""
    from django_tasks_db.models import DBTaskResult

    from casebridge.jobs.models import TaskRun
    from casebridge.notifications.models import Notification
    from tests.imports.hostile_files import many_columns_csv

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = signed_in_client(analyst())
    content = many_columns_csv(tmp_path / "offences.csv").read_bytes()

    response = upload(client, supplier=police(), content=content)

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    run = TaskRun.objects.get(about=f"import_batch:{batch.pk}")
    (queued,) = DBTaskResult.objects.ready()
    assert queued.args_kwargs["kwargs"] == {"run_id": str(run.pk), "attempt": 1}
    assert client.get(reverse("imports:batch_list")).status_code == 200
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert "Waiting to start" in page and "imports/progress" in page
    queued.task.call(**queued.args_kwargs["kwargs"])  # what the worker runs
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert "The file was not loaded" in page
    assert "Line 1: the first line is over 12,600 characters long" in page
    # Whoever uploaded it is told, wherever they are in Casebridge.
    (told,) = Notification.objects.filter(user=run.started_by)
    assert told.text.startswith(f"Import batch {batch.pk}: failed. Line 1: the first line")
