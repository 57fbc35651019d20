"""Prepares a fresh moto server for signature-checked runs: creates an IAM user,
a policy allowing everything, attaches it, and creates an access key, then
prints the key as JSON. The server is started with
INITIAL_NO_AUTH_ACTION_COUNT=4, so these four calls are the only unchecked
ones; every later request must carry a valid SigV4 signature.

Usage: moto_setup.py <endpoint-url>
"""

import json
import os
import sys

os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import boto3  # noqa: E402

POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def main():
    iam = boto3.client(
        "iam",
        region_name="us-east-1",
        endpoint_url=sys.argv[1],
        aws_access_key_id="AKIDSETUP",
        aws_secret_access_key="setup-only",
        verify=os.environ.get("STRATUS_MOTO_CA") or True,
    )
    iam.create_user(UserName="stratus")
    arn = iam.create_policy(PolicyName="stratus-all", PolicyDocument=json.dumps(POLICY))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="stratus", PolicyArn=arn)
    key = iam.create_access_key(UserName="stratus")["AccessKey"]
    print(json.dumps({"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}))


if __name__ == "__main__":
    main()
