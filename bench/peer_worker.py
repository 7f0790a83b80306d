"""The yardstick of bench/end-to-end-benchmark.sh: a plain boto3 + Pillow worker.

Two threads long-poll the queue that receives the upload bucket's S3 events, download the
photo, render the same two variants as the worker (1024 and 256, q85, one decode in draft
mode, EXIF orientation applied, 256 from the 1024 one), put both to the output bucket,
write a COMPLETED item with its updatedAt instant to the table, and delete the message.
No claim, no SNS event, no dead-letter handling: the least a worker can do.

Given a topic ARN, it also makes the worker's other requests per image, so that the two
can be compared for the same work: a conditional put that claims the item (PROCESSING), a
conditional put of the COMPLETED item, the SNS event, and the conditional update that
marks it announced. Failures and redeliveries are still not handled.

Usage: peer_worker.py ENDPOINT QUEUE_URL OUTPUT_BUCKET TABLE [THREADS [TOPIC_ARN]]
Runs until killed.
"""
import datetime
import io
import json
import os
import sys
import threading
import time
import urllib.parse

import boto3
from PIL import Image, ImageOps

VARIANTS = (("medium", 1024), ("thumb", 256))


def render(data):
    """Returns the source's stored size and (name, width, height, JPEG bytes) per variant."""
    image = Image.open(io.BytesIO(data))
    size = image.size
    image.draft("RGB", (VARIANTS[0][1], VARIANTS[0][1]))
    image = ImageOps.exif_transpose(image).convert("RGB")
    rendered = []
    for name, side in VARIANTS:
        image.thumbnail((side, side))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85)
        rendered.append((name, image.width, image.height, out.getvalue()))
    return size, rendered


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def put_variants(s3, output_bucket, image_id, data):
    """Renders and uploads the variants; returns the source's size and (name, key, width,
    height, bytes) per variant."""
    size, rendered = render(data)
    stored = []
    for name, width, height, jpeg in rendered:
        key = f"{image_id}/{name}.jpg"
        s3.put_object(Bucket=output_bucket, Key=key, Body=jpeg, ContentType="image/jpeg")
        stored.append((name, key, width, height, len(jpeg)))
    return size, stored


def process(s3, dynamo, bucket, key, image_id, output_bucket, table):
    """The plain peer's work: download, render, upload, record."""
    data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    _, stored = put_variants(s3, output_bucket, image_id, data)
    variants = [{"M": {"name": {"S": name}, "key": {"S": variant_key}, "width": {"N": str(width)},
                       "height": {"N": str(height)}}}
                for name, variant_key, width, height, _ in stored]
    dynamo.put_item(TableName=table, Item={
        "imageId": {"S": image_id}, "status": {"S": "COMPLETED"}, "sourceBucket": {"S": bucket},
        "sourceKey": {"S": key}, "variants": {"L": variants}, "updatedAt": {"S": now()}})


def process_as_worker(s3, dynamo, sns, topic_arn, bucket, key, image_id, output_bucket, table):
    """The same work with the requests the worker adds: claim, conditional completion, event, mark."""
    source = s3.get_object(Bucket=bucket, Key=key)
    etag = {"S": source["ETag"]}
    claimed = {"S": now()}
    item = {"imageId": {"S": image_id}, "sourceBucket": {"S": bucket}, "sourceKey": {"S": key}, "sourceETag": etag,
            "sourceBytes": {"N": str(source["ContentLength"])}, "attempts": {"N": "1"}, "createdAt": claimed,
            "updatedAt": claimed}
    try:
        dynamo.put_item(TableName=table, Item={**item, "status": {"S": "PROCESSING"}},
                        ConditionExpression="attribute_not_exists(imageId)")
    except dynamo.exceptions.ConditionalCheckFailedException:
        return  # a redelivery: the benchmark uploads every key once
    started = time.monotonic()
    (source_width, source_height), stored = put_variants(s3, output_bucket, image_id, source["Body"].read())
    variants = [{"M": {"name": {"S": name}, "bucket": {"S": output_bucket}, "key": {"S": variant_key},
                       "width": {"N": str(width)}, "height": {"N": str(height)}, "bytes": {"N": str(size)},
                       "contentType": {"S": "image/jpeg"}}}
                for name, variant_key, width, height, size in stored]
    dynamo.put_item(TableName=table,
                    Item={**item, "status": {"S": "COMPLETED"}, "format": {"S": "JPEG"},
                          "width": {"N": str(source_width)}, "height": {"N": str(source_height)}, "variants": {"L": variants}, "updatedAt": {"S": now()},
                          "processingMillis": {"N": str(int((time.monotonic() - started) * 1000))}},
                    ConditionExpression="sourceETag = :etag AND #status <> :completed",
                    ExpressionAttributeNames={"#status": "status"},
                    ExpressionAttributeValues={":etag": etag, ":completed": {"S": "COMPLETED"}})
    event = {"imageId": image_id, "status": "COMPLETED", "sourceBucket": bucket, "sourceKey": key,
             "variants": [{"name": name, "bucket": output_bucket, "key": variant_key, "width": width,
                           "height": height, "bytes": size, "contentType": "image/jpeg"}
                          for name, variant_key, width, height, size in stored]}
    sns.publish(TopicArn=topic_arn, Message=json.dumps(event),
                MessageAttributes={"status": {"DataType": "String", "StringValue": "COMPLETED"}})
    dynamo.update_item(TableName=table, Key={"imageId": {"S": image_id}}, UpdateExpression="SET announcedAt = :now",
                       ConditionExpression="sourceETag = :etag",
                       ExpressionAttributeValues={":now": {"S": now()}, ":etag": etag})


def work(endpoint, queue_url, output_bucket, table, topic_arn):
    # boto3 clients are thread-safe but sessions are not: one session per thread.
    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
    s3 = session.client("s3", endpoint_url=endpoint)
    sqs = session.client("sqs", endpoint_url=endpoint)
    dynamo = session.client("dynamodb", endpoint_url=endpoint)
    sns = session.client("sns", endpoint_url=endpoint)
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=20).get(
            "Messages", [])
        for message in messages:
            for record in json.loads(message["Body"]).get("Records", []):
                bucket = record["s3"]["bucket"]["name"]
                key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
                image_id = key.rsplit("/", 1)[-1].rsplit(".", 1)[0]
                if topic_arn:
                    process_as_worker(s3, dynamo, sns, topic_arn, bucket, key, image_id, output_bucket, table)
                else:
                    process(s3, dynamo, bucket, key, image_id, output_bucket, table)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def main():
    endpoint, queue_url, output_bucket, table = sys.argv[1:5]
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    topic_arn = sys.argv[6] if len(sys.argv) > 6 else None

    def stop(args):
        # A thread fewer would only make the peer slower: exit, so the benchmark stops.
        threading.__excepthook__(args)
        os._exit(1)

    threading.excepthook = stop
    workers = [threading.Thread(target=work, args=(endpoint, queue_url, output_bucket, table, topic_arn), daemon=True)
               for _ in range(threads)]
    for worker in workers:
        worker.start()
    print(f"peer worker: {threads} threads on {queue_url}{', as the worker' if topic_arn else ''}", flush=True)
    for worker in workers:
        worker.join()


if __name__ == "__main__":
    main()
