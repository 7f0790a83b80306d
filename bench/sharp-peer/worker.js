'use strict';
// A Node + sharp worker that bench/end-to-end-benchmark.sh measures image-worker against
// when both render the example variant set (render.js), as bench/peer_worker.py is for
// the default set: CONCURRENCY loops long-poll the queue that receives the upload
// bucket's S3 events, download the photo, render its eleven outputs, put them to the
// output bucket, write a COMPLETED item with its updatedAt instant to the table, and
// delete the message. No claim, no SNS event, no dead-letter handling.
//
// Given a topic ARN it also makes the worker's other requests per image, so that the two
// compare for the same work: a conditional put that claims the item (PROCESSING), a
// conditional put of the COMPLETED item, the SNS event, and the conditional update that
// marks it announced. Failures and redeliveries are still not handled.
//
// Usage: node worker.js ENDPOINT QUEUE_URL OUTPUT_BUCKET TABLE [CONCURRENCY [TOPIC_ARN]]
// Runs until killed.
const { S3Client, GetObjectCommand, PutObjectCommand } = require('@aws-sdk/client-s3');
const { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } = require('@aws-sdk/client-sqs');
const {
  DynamoDBClient, PutItemCommand, UpdateItemCommand, ConditionalCheckFailedException,
} = require('@aws-sdk/client-dynamodb');
const { SNSClient, PublishCommand } = require('@aws-sdk/client-sns');
const sharp = require('sharp');
const { render } = require('./render');

function clients(endpoint) {
  const common = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  return {
    s3: new S3Client({ ...common, forcePathStyle: true }),
    sqs: new SQSClient(common),
    dynamo: new DynamoDBClient(common),
    sns: new SNSClient(common),
  };
}

const now = () => new Date().toISOString();

async function putOutputs(s3, outputBucket, imageId, source) {
  const stored = [];
  for (const output of await render(source)) {
    const key = `${imageId}/${output.name}.${output.extension}`;
    await s3.send(new PutObjectCommand({
      Bucket: outputBucket, Key: key, Body: output.bytes, ContentType: output.contentType,
    }));
    stored.push({ ...output, key, size: output.bytes.length });
  }
  return stored;
}

const variantItems = (stored, outputBucket) => stored.map((output) => ({
  M: {
    name: { S: output.name }, bucket: { S: outputBucket }, key: { S: output.key },
    width: { N: String(output.width) }, height: { N: String(output.height) },
    bytes: { N: String(output.size) }, contentType: { S: output.contentType }, format: { S: output.format },
  },
}));

/** The plain peer's work: download, render, upload, record. */
async function processPlain({ s3, dynamo }, bucket, key, imageId, outputBucket, table) {
  const source = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const stored = await putOutputs(s3, outputBucket, imageId, await source.Body.transformToByteArray());
  await dynamo.send(new PutItemCommand({
    TableName: table,
    Item: {
      imageId: { S: imageId }, status: { S: 'COMPLETED' }, sourceBucket: { S: bucket }, sourceKey: { S: key },
      variants: { L: variantItems(stored, outputBucket) }, updatedAt: { S: now() },
    },
  }));
}

/** The same work with the requests the worker adds: claim, conditional completion, event, mark. */
async function processAsWorker({ s3, dynamo, sns }, topicArn, bucket, key, imageId, outputBucket, table) {
  const source = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const etag = { S: source.ETag };
  const claimed = { S: now() };
  const item = {
    imageId: { S: imageId }, sourceBucket: { S: bucket }, sourceKey: { S: key }, sourceETag: etag,
    sourceBytes: { N: String(source.ContentLength) }, attempts: { N: '1' }, createdAt: claimed, updatedAt: claimed,
  };
  try {
    await dynamo.send(new PutItemCommand({
      TableName: table, Item: { ...item, status: { S: 'PROCESSING' } },
      ConditionExpression: 'attribute_not_exists(imageId)',
    }));
  }
  catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      return; // a redelivery: the benchmark uploads every key once
    }
    throw error;
  }
  const started = Date.now();
  const data = await source.Body.transformToByteArray();
  const metadata = await sharp(data).metadata();
  const { width, height } = metadata.autoOrient ?? metadata;
  const stored = await putOutputs(s3, outputBucket, imageId, data);
  await dynamo.send(new PutItemCommand({
    TableName: table,
    Item: {
      ...item, status: { S: 'COMPLETED' }, format: { S: 'JPEG' }, width: { N: String(width) },
      height: { N: String(height) }, variants: { L: variantItems(stored, outputBucket) }, updatedAt: { S: now() },
      processingMillis: { N: String(Date.now() - started) },
    },
    ConditionExpression: 'sourceETag = :etag AND #status <> :completed',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':etag': etag, ':completed': { S: 'COMPLETED' } },
  }));
  const event = {
    imageId, status: 'COMPLETED', sourceBucket: bucket, sourceKey: key,
    variants: stored.map((output) => ({
      name: output.name, bucket: outputBucket, key: output.key, width: output.width, height: output.height,
      bytes: output.size, contentType: output.contentType, format: output.format,
    })),
  };
  await sns.send(new PublishCommand({
    TopicArn: topicArn, Message: JSON.stringify(event),
    MessageAttributes: { status: { DataType: 'String', StringValue: 'COMPLETED' } },
  }));
  await dynamo.send(new UpdateItemCommand({
    TableName: table, Key: { imageId: { S: imageId } }, UpdateExpression: 'SET announcedAt = :now',
    ConditionExpression: 'sourceETag = :etag',
    ExpressionAttributeValues: { ':now': { S: now() }, ':etag': etag },
  }));
}

async function work(aws, queueUrl, outputBucket, table, topicArn) {
  for (;;) {
    const { Messages = [] } = await aws.sqs.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 20,
    }));
    for (const message of Messages) {
      for (const record of JSON.parse(message.Body).Records ?? []) {
        const bucket = record.s3.bucket.name;
        const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
        const imageId = key.split('/').pop().replace(/\.[^.]*$/, '');
        if (topicArn) {
          await processAsWorker(aws, topicArn, bucket, key, imageId, outputBucket, table);
        }
        else {
          await processPlain(aws, bucket, key, imageId, outputBucket, table);
        }
      }
      await aws.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}

async function main() {
  const [endpoint, queueUrl, outputBucket, table, concurrency = '2', topicArn] = process.argv.slice(2);
  const aws = clients(endpoint);
  console.log(`sharp peer: sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}, concurrency`
    + ` ${sharp.concurrency()}), ${concurrency} loops on ${queueUrl}${topicArn ? ', as the worker' : ''}`);
  // A loop fewer would only make the peer slower: the first failure ends the process.
  await Promise.all(Array.from({ length: Number(concurrency) }, () => work(aws, queueUrl, outputBucket, table, topicArn)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
