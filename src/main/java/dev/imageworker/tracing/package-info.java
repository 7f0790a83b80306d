/**
 * Tracing: on with an OTLP endpoint, with a span for each AWS SDK call.
 */
@NullMarked
package dev.imageworker.tracing;

import org.jspecify.annotations.NullMarked;
