"""A real S3 API on loopback (moto's server, on a free port) for the storages that may be a
bucket: the tests point a named storage at a bucket of their own there."""

import uuid
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

CREDENTIALS = {"access_key": "casebridge-test", "secret_key": "casebridge-test-secret"}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(s3_endpoint):
    """Settings for a storage in a new, empty bucket: ``settings.STORAGES[name] =
    s3_storage(prefix)``."""
    bucket = f"casebridge-{uuid.uuid4().hex[:12]}"
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="eu-west-2",
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    ).create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})

    def storage(prefix: str) -> dict[str, object]:
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "location": prefix,
                "endpoint_url": s3_endpoint,
                "region_name": "eu-west-2",
                **CREDENTIALS,
            },
        }

    return storage
