package io.tollgate.policy.redis;

import java.util.List;

/**
 * The reply of a Tollgate Lua script: a flat array of integers and strings. Every script
 * reply is read through this one class.
 */
public final class ScriptReply {

	private final List<?> values;

	private ScriptReply(List<?> values) {
		this.values = values;
	}

	/**
	 * A multi-bulk reply arrives as its elements or as one nested list, depending on the
	 * driver path.
	 */
	static ScriptReply of(List<?> raw) {
		if (raw.size() == 1 && raw.get(0) instanceof List<?> inner) {
			return new ScriptReply(inner);
		}
		return new ScriptReply(raw);
	}

	public int size() {
		return this.values.size();
	}

	public long longAt(int i) {
		Object value = this.values.get(i);
		if (value instanceof Number n) {
			return n.longValue();
		}
		return Long.parseLong(String.valueOf(value));
	}

	public String stringAt(int i) {
		Object value = this.values.get(i);
		return value instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
				: String.valueOf(value);
	}

	/** The reply as a list of strings (e.g. an array of ids). */
	public List<String> strings() {
		String[] out = new String[this.values.size()];
		for (int i = 0; i < out.length; i++) {
			out[i] = stringAt(i);
		}
		return List.of(out);
	}

	@Override
	public String toString() {
		return this.values.toString();
	}

}
