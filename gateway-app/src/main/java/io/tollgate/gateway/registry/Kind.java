package io.tollgate.gateway.registry;

import java.util.Locale;

import org.springframework.lang.Nullable;

/**
 * The kinds of managed resources; {@link #path()} is their segment under
 * {@code /admin/v1}.
 */
public enum Kind {

	PLANS, CONSUMERS, APIS, KEYS;

	public String path() {
		return name().toLowerCase(Locale.ROOT);
	}

	@Nullable
	public static Kind fromPath(String path) {
		for (Kind k : values()) {
			if (k.path().equals(path)) {
				return k;
			}
		}
		return null;
	}

}
