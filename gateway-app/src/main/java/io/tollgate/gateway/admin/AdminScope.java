package io.tollgate.gateway.admin;

import java.util.Set;

import org.springframework.http.HttpMethod;

/**
 * The two scopes of the Admin API: {@code tollgate:admin} may do everything,
 * {@code tollgate:admin:read} may only read. Reads are {@code GET} and {@code HEAD};
 * every other method (dry runs included) is a write.
 */
enum AdminScope {

	READ("tollgate:admin:read"), WRITE("tollgate:admin");

	private final String scope;

	AdminScope(String scope) {
		this.scope = scope;
	}

	static AdminScope forMethod(HttpMethod method) {
		return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) ? READ : WRITE;
	}

	/** The scope value a token must carry ({@code tollgate:admin} covers both). */
	String scope() {
		return this.scope;
	}

	boolean grantedBy(Set<String> scopes) {
		return scopes.contains(WRITE.scope) || (this == READ && scopes.contains(READ.scope));
	}

}
