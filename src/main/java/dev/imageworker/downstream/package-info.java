/**
 * A circuit breaker per downstream (S3, DynamoDB, SNS) fed by the AWS clients' own calls,
 * the probes that close it, and the health it reports.
 */
@NullMarked
package dev.imageworker.downstream;

import org.jspecify.annotations.NullMarked;
