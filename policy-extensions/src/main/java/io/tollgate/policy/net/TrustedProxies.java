package io.tollgate.policy.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import io.netty.util.NetUtil;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.lang.Nullable;
import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * The proxies (CIDR blocks) whose {@code X-Forwarded-For} / {@code Forwarded} headers are
 * believed. Everything else about the client comes from the TCP peer, so a client cannot
 * change its address by sending a header. Blocks are matched by Spring Security's
 * {@link IpAddressMatcher}; addresses are only ever parsed as IP literals (Netty's
 * {@link NetUtil}), never resolved, so no entry or header can cause a DNS lookup.
 */
public final class TrustedProxies {

	private static final TrustedProxies NONE = new TrustedProxies(List.of());

	private final List<IpAddressMatcher> blocks;

	private TrustedProxies(List<IpAddressMatcher> blocks) {
		this.blocks = blocks;
	}

	public static TrustedProxies none() {
		return NONE;
	}

	/**
	 * Parses CIDR blocks ({@code 10.0.0.0/8}, {@code ::1/128}) or single addresses;
	 * throws on bad input.
	 */
	public static TrustedProxies of(List<String> cidrs) {
		if (cidrs == null || cidrs.isEmpty()) {
			return NONE;
		}
		List<IpAddressMatcher> parsed = new ArrayList<>();
		for (String c : cidrs) {
			if (c != null && !c.isBlank()) {
				parsed.add(block(c.trim()));
			}
		}
		return new TrustedProxies(List.copyOf(parsed));
	}

	public boolean isEmpty() {
		return blocks.isEmpty();
	}

	public boolean isTrusted(@Nullable InetAddress address) {
		if (address == null) {
			return false;
		}
		// a scope-free literal: IpAddressMatcher parses it again, and must not meet a
		// zone id it would look up as a network interface
		String literal = NetUtil.toAddressString(address);
		for (IpAddressMatcher block : blocks) {
			if (block.matches(literal)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The client address: the TCP peer, unless the peer is a trusted proxy; then the
	 * right-most {@code X-Forwarded-For} entry that is not a trusted proxy (or the
	 * left-most when all are trusted).
	 */
	@Nullable
	public InetAddress clientAddress(ServerHttpRequest request) {
		InetSocketAddress remote = request.getRemoteAddress();
		InetAddress peer = remote == null ? null : remote.getAddress();
		if (peer == null || blocks.isEmpty() || !isTrusted(peer)) {
			return peer;
		}
		List<String> values = request.getHeaders().get("X-Forwarded-For");
		if (values == null || values.isEmpty()) {
			return peer;
		}
		List<String> hops = new ArrayList<>();
		for (String value : values) {
			for (String part : value.split(",")) {
				String hop = part.trim();
				if (!hop.isEmpty()) {
					hops.add(hop);
				}
			}
		}
		InetAddress candidate = peer;
		for (int i = hops.size() - 1; i >= 0; i--) {
			InetAddress hop = parseLiteral(hops.get(i));
			if (hop == null) {
				// garbage in the chain: stop at the last address we could verify
				return candidate;
			}
			candidate = hop;
			if (!isTrusted(hop)) {
				return hop;
			}
		}
		return candidate;
	}

	/** Parses an IP literal without ever doing a DNS lookup; null if it is not one. */
	@Nullable
	static InetAddress parseLiteral(String text) {
		String s = text;
		if (s.startsWith("[")) {
			int end = s.indexOf(']');
			if (end < 0) {
				return null;
			}
			s = s.substring(1, end);
		}
		else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':') && s.indexOf('.') > 0) {
			s = s.substring(0, s.indexOf(':')); // IPv4 with port
		}
		byte[] bytes = NetUtil.createByteArrayFromIpAddressString(s);
		if (bytes == null) {
			return null;
		}
		try {
			return InetAddress.getByAddress(bytes);
		}
		catch (UnknownHostException ex) {
			return null; // not reached: 4 or 16 bytes
		}
	}

	/**
	 * One trusted entry, checked here so that a bad one fails naming itself, and handed
	 * to {@link IpAddressMatcher} as a normalized literal.
	 */
	private static IpAddressMatcher block(String text) {
		int slash = text.indexOf('/');
		InetAddress address = parseLiteral(slash < 0 ? text : text.substring(0, slash));
		if (address == null) {
			throw new IllegalArgumentException("Not an IP address or CIDR block: '" + text + "'");
		}
		String literal = NetUtil.toAddressString(address);
		if (slash < 0) {
			return new IpAddressMatcher(literal);
		}
		int max = address.getAddress().length * 8;
		int prefix;
		try {
			prefix = Integer.parseInt(text.substring(slash + 1));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Bad prefix length in CIDR block '" + text + "'");
		}
		if (prefix < 0 || prefix > max) {
			throw new IllegalArgumentException("Prefix length out of range in CIDR block '" + text + "'");
		}
		return new IpAddressMatcher(literal + "/" + prefix);
	}

}
