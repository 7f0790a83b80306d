/**
 * The values every part of the worker shares: the job an S3 event names, its ids, its
 * source version, its status and its stored variants.
 */
@NullMarked
package dev.imageworker.core;

import org.jspecify.annotations.NullMarked;
