"""The yardstick of bench/end-to-end-benchmark.sh: a plain boto3 + Pillow worker.

Two threads long-poll the queue that receives the upload bucket's S3 events, download the
photo, render the same two variants as the worker (1024 and 256, q85, one decode in draft
mode, EXIF orientation applied, 256 from the 1024 one), put both to the output bucket,
write a COMPLETED item with its updatedAt instant to the table, and delete the message.
No claim, no SNS event, no dead-letter handling: the least a worker can do.

Usage: peer_worker.py ENDPOINT QUEUE_URL OUTPUT_BUCKET TABLE [THREADS]
Runs until killed.
"""
import datetime
import io
import json
import sys
import threading
import urllib.parse

import boto3
from PIL import Image, ImageOps

VARIANTS = (("medium", 1024), ("thumb", 256))


def render(data):
    image = Image.open(io.BytesIO(data))
    image.draft("RGB", (VARIANTS[0][1], VARIANTS[0][1]))
    image = ImageOps.exif_transpose(image).convert("RGB")
    rendered = []
    for name, side in VARIANTS:
        image.thumbnail((side, side))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85)
        rendered.append((name, image.width, image.height, out.getvalue()))
    return rendered


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def work(endpoint, queue_url, output_bucket, table):
    # boto3 clients are thread-safe but sessions are not: one session per thread.
    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
    s3 = session.client("s3", endpoint_url=endpoint)
    sqs = session.client("sqs", endpoint_url=endpoint)
    dynamo = session.client("dynamodb", endpoint_url=endpoint)
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=20).get(
            "Messages", [])
        for message in messages:
            for record in json.loads(message["Body"]).get("Records", []):
                bucket = record["s3"]["bucket"]["name"]
                key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
                image_id = key.rsplit("/", 1)[-1].rsplit(".", 1)[0]
                data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
                variants = []
                for name, width, height, jpeg in render(data):
                    variant_key = f"{image_id}/{name}.jpg"
                    s3.put_object(Bucket=output_bucket, Key=variant_key, Body=jpeg, ContentType="image/jpeg")
                    variants.append({"M": {"name": {"S": name}, "key": {"S": variant_key},
                                           "width": {"N": str(width)}, "height": {"N": str(height)}}})
                dynamo.put_item(TableName=table, Item={
                    "imageId": {"S": image_id}, "status": {"S": "COMPLETED"}, "sourceBucket": {"S": bucket},
                    "sourceKey": {"S": key}, "variants": {"L": variants}, "updatedAt": {"S": now()}})
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def main():
    endpoint, queue_url, output_bucket, table = sys.argv[1:5]
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    workers = [threading.Thread(target=work, args=(endpoint, queue_url, output_bucket, table), daemon=True)
               for _ in range(threads)]
    for worker in workers:
        worker.start()
    print(f"peer worker: {threads} threads on {queue_url}", flush=True)
    for worker in workers:
        worker.join()


if __name__ == "__main__":
    main()
