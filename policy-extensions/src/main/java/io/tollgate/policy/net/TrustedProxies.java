package io.tollgate.policy.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.lang.Nullable;

/**
 * The proxies (CIDR blocks) whose {@code X-Forwarded-For} / {@code Forwarded} headers are
 * believed. Everything else about the client comes from the TCP peer, so a client cannot
 * change its address by sending a header.
 */
public final class TrustedProxies {

	private static final TrustedProxies NONE = new TrustedProxies(List.of());

	private final List<Cidr> blocks;

	private TrustedProxies(List<Cidr> blocks) {
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
		List<Cidr> parsed = new ArrayList<>();
		for (String c : cidrs) {
			if (c != null && !c.isBlank()) {
				parsed.add(Cidr.parse(c.trim()));
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
		for (Cidr block : blocks) {
			if (block.contains(address)) {
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
		if (s.isEmpty() || s.length() > 45) {
			return null;
		}
		boolean v4 = s.chars().allMatch(ch -> (ch >= '0' && ch <= '9') || ch == '.');
		boolean v6 = s.indexOf(':') >= 0
				&& s.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == ':' || ch == '.');
		if (!v4 && !v6) {
			return null;
		}
		if (v4 && s.split("\\.", -1).length != 4) {
			return null;
		}
		try {
			return InetAddress.getByName(s);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	record Cidr(byte[] network, int prefix) {

		static Cidr parse(String text) {
			int slash = text.indexOf('/');
			String addr = slash < 0 ? text : text.substring(0, slash);
			InetAddress address = parseLiteral(addr);
			if (address == null) {
				throw new IllegalArgumentException("Not an IP address or CIDR block: '" + text + "'");
			}
			byte[] bytes = address.getAddress();
			int max = bytes.length * 8;
			int prefix;
			try {
				prefix = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("Bad prefix length in CIDR block '" + text + "'");
			}
			if (prefix < 0 || prefix > max) {
				throw new IllegalArgumentException("Prefix length out of range in CIDR block '" + text + "'");
			}
			return new Cidr(bytes, prefix);
		}

		boolean contains(InetAddress address) {
			byte[] candidate = address.getAddress();
			if (candidate.length != network.length) {
				return false;
			}
			int full = prefix / 8;
			for (int i = 0; i < full; i++) {
				if (candidate[i] != network[i]) {
					return false;
				}
			}
			int rest = prefix % 8;
			if (rest == 0) {
				return true;
			}
			int mask = (0xFF << (8 - rest)) & 0xFF;
			return (candidate[full] & mask) == (network[full] & mask);
		}
	}

}
