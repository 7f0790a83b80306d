package dev.imageworker.pipeline;

import java.time.Duration;

/** What becomes of a message once the pipeline is done with it. */
public sealed interface Disposition {

	/** Delete it: every image it names is processed or dead-lettered. */
	record Acknowledge() implements Disposition {
	}

	/** Leave it on the queue, invisible for a backoff, for another attempt. */
	record RetryLater(Duration visibility) implements Disposition {
	}

}
