/**
 * The SQS listeners: receive, parse, keep the message hidden while it renders, then
 * delete it or hide it for a backoff.
 */
@NullMarked
package dev.imageworker.ingest;

import org.jspecify.annotations.NullMarked;
