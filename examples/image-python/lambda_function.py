"""The write-up's scenario done for real: get an image from S3 with boto3, resize
it with Pillow, put the result under processed/. Resizing is CPU work on one
thread, so it gets faster with memory up to one vCPU (1,769 MB) and no faster
above it.

The S3 client honours AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, so the same code
runs against AWS or a local moto_server (examples/image-python/run starts one)."""
import io
import os

import boto3
from botocore.config import Config
from PIL import Image


def s3_client():
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        return boto3.client("s3")
    return boto3.client("s3", endpoint_url=endpoint, config=Config(s3={"addressing_style": "path"}))


# Created once per execution environment, as Lambda's best practices advise.
s3 = s3_client()


def lambda_handler(event, context):
    bucket = event["bucket"]
    key = event["key"]
    width = int(event.get("width", 800))
    source = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    with Image.open(io.BytesIO(source)) as image:
        height = max(1, image.height * width // image.width)
        resized = image.convert("RGB").resize((width, height), Image.LANCZOS)
    out = io.BytesIO()
    resized.save(out, format="JPEG", quality=85)
    new_key = "processed/" + key.split("/")[-1]
    s3.put_object(Bucket=bucket, Key=new_key, Body=out.getvalue(), ContentType="image/jpeg")
    return {"statusCode": 200, "key": new_key, "width": width, "height": height, "bytes": out.tell()}
