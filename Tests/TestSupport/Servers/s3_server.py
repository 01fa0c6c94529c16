"""A real S3-compatible server for tests: moto in server mode with IAM authentication on, so
every request must carry a valid AWS Signature V4.

Usage: s3_server.py PORT DIR. Writes DIR/credentials.json {access_key_id, secret_access_key,
bucket} once the bucket "blumpo-test" exists.
"""
import json
import os
import sys
import threading

os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import boto3  # noqa: E402
from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.iam.models import iam_backends  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    iam = iam_backends[DEFAULT_ACCOUNT_ID]["global"]
    iam.create_user(region_name="us-east-1", user_name="blumpo", path="/")
    key = iam.create_access_key(user_name="blumpo")
    iam.put_user_policy("blumpo", "s3", '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}')
    s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", aws_access_key_id=key.access_key_id,
                      aws_secret_access_key=key.secret_access_key, region_name="us-east-1")
    s3.create_bucket(Bucket="blumpo-test")
    with open(os.path.join(directory, "credentials.json.tmp"), "w") as handle:
        json.dump({"access_key_id": key.access_key_id, "secret_access_key": key.secret_access_key, "bucket": "blumpo-test"}, handle)
    os.rename(os.path.join(directory, "credentials.json.tmp"), os.path.join(directory, "credentials.json"))
    threading.Event().wait()


if __name__ == "__main__":
    main()
