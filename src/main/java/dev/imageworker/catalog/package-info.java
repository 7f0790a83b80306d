/**
 * The DynamoDB item of each image: claims a version for rendering, records its completion
 * or failure, and keeps an older version from overwriting a newer one.
 */
@NullMarked
package dev.imageworker.catalog;

import org.jspecify.annotations.NullMarked;
