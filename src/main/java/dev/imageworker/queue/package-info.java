/**
 * The SQS queues' URLs and attributes, and the settings the worker reads from them at
 * start.
 */
@NullMarked
package dev.imageworker.queue;

import org.jspecify.annotations.NullMarked;
