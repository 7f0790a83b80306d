/**
 * Creates the queues, buckets, notification, table and topic on a local AWS for
 * development.
 */
@NullMarked
package dev.imageworker.provision;

import org.jspecify.annotations.NullMarked;
