# The example function of the write-up sweetspot grew from (../../../shared/SEED.md):
# it reads an image from S3, "processes" it, and writes the result under processed/.
# One change: the S3 client honours AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, so the
# same code runs against AWS or any S3-compatible endpoint (moto_server, MinIO).
import os
import time

import boto3
from botocore.config import Config


def s3_client():
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        return boto3.client("s3")
    # A local endpoint has no per-bucket host names: address buckets by path.
    return boto3.client("s3", endpoint_url=endpoint, config=Config(s3={"addressing_style": "path"}))


def lambda_handler(event, context):
    start_time = time.time()
    s3 = s3_client()

    # Simulate image processing: download, resize, upload
    bucket_name = event['bucket']
    image_key = event['key']
    new_key = "processed/" + image_key.split('/')[-1]

    try:
        response = s3.get_object(Bucket=bucket_name, Key=image_key)
        image_data = response['Body'].read()

        # Simulate a CPU-bound task (e.g., resizing)
        # In a real scenario, this would involve libraries like Pillow
        processed_data = image_data * 2  # Very naive simulation

        s3.put_object(Bucket=bucket_name, Key=new_key, Body=processed_data)

        end_time = time.time()
        duration = end_time - start_time
        memory_used = context.memory_limit_in_mb  # This is what we're tuning

        return {
            'statusCode': 200,
            'body': f"Image {image_key} processed successfully. Duration: {duration:.2f}s, Memory: {memory_used}MB"
        }
    except Exception as e:
        return {
            'statusCode': 500,
            'body': f"Error processing {image_key}: {e}"
        }
