#!/usr/bin/env python3
"""Sets up and reads back a function in moto_server for sweetspot's tests (boto3
straight to moto, no signature checks involved).

  moto_lambda.py ENDPOINT create NAME MEMORY DESCRIPTION   -> prints the function ARN
  moto_lambda.py ENDPOINT state NAME                       -> JSON: memory, description, versions, aliases
"""
import io
import json
import sys
import zipfile

import boto3


def client(endpoint, service):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="setup",
                        aws_secret_access_key="setup")


def main():
    endpoint, command, name = sys.argv[1], sys.argv[2], sys.argv[3]
    lam = client(endpoint, "lambda")
    if command == "create":
        iam = client(endpoint, "iam")
        try:
            role = iam.get_role(RoleName="sweetspot-test")["Role"]["Arn"]
        except iam.exceptions.NoSuchEntityException:
            role = iam.create_role(RoleName="sweetspot-test", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as z:
            z.writestr("app.py", "def handler(event, context):\n    return {'ok': True}\n")
        f = lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
                                Code={"ZipFile": code.getvalue()}, MemorySize=int(sys.argv[4]),
                                Description=sys.argv[5], Timeout=3)
        print(f["FunctionArn"])
    elif command == "state":
        config = lam.get_function_configuration(FunctionName=name)
        versions = [v["Version"] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]]
        aliases = [a["Name"] for a in lam.list_aliases(FunctionName=name)["Aliases"]]
        print(json.dumps({"memory": config["MemorySize"], "description": config.get("Description", ""),
                          "versions": versions, "aliases": aliases}))
    else:
        sys.exit("unknown command " + command)


if __name__ == "__main__":
    main()
