package io.tollgate.gateway.registry;

/**
 * One managed resource as stored: its canonical JSON and the global revision of the batch
 * that last wrote it.
 *
 * @param kind what it is
 * @param id its id ({@code [a-z0-9][a-z0-9-]{0,62}} for the Admin API's kinds)
 * @param revision the global revision of its last write
 * @param json its canonical JSON document
 */
public record StoredResource(Kind kind, String id, long revision, String json) {

	/** The strong entity tag of this version: {@code "<revision>"}. */
	public String etag() {
		return "\"" + this.revision + "\"";
	}

}
