package io.tollgate.gateway.registry;

/**
 * What must hold for a write to go ahead (HTTP {@code If-Match} / {@code If-None-Match}).
 *
 * @param type the kind of condition
 * @param revision the revision the resource must have, for {@link Type#REVISION}
 */
public record Precondition(Type type, long revision) {

	public enum Type {

		/** No condition. */
		ANY,

		/**
		 * The resource exists with exactly this revision
		 * ({@code If-Match: "<revision>"}).
		 */
		REVISION,

		/** The resource exists ({@code If-Match: *}). */
		EXISTS,

		/** The resource does not exist yet ({@code If-None-Match: *}). */
		ABSENT

	}

	private static final Precondition ANY = new Precondition(Type.ANY, 0);

	private static final Precondition EXISTS = new Precondition(Type.EXISTS, 0);

	private static final Precondition ABSENT = new Precondition(Type.ABSENT, 0);

	public static Precondition any() {
		return ANY;
	}

	public static Precondition revision(long revision) {
		return new Precondition(Type.REVISION, revision);
	}

	public static Precondition exists() {
		return EXISTS;
	}

	public static Precondition absent() {
		return ABSENT;
	}

	/**
	 * Whether a resource currently at {@code current} (-1 when absent) satisfies this.
	 */
	public boolean holds(long current) {
		return switch (this.type) {
			case ANY -> true;
			case REVISION -> current == this.revision;
			case EXISTS -> current >= 0;
			case ABSENT -> current < 0;
		};
	}

}
