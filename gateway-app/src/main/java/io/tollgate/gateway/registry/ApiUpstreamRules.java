package io.tollgate.gateway.registry;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.lang.Nullable;

/**
 * What an API's {@code upstream} may be: an absolute http(s) URI without user info, query
 * or fragment, whose host is not a link-local or cloud-metadata address unless
 * {@code tollgate.admin.allowed-upstreams} lists it. Decided on the text alone, without
 * DNS: numeric hosts are read as every resolver might read them (decimal, octal and hex
 * IPv4 forms, IPv4 embedded in IPv6), and only the plain dotted-decimal form is accepted.
 */
public final class ApiUpstreamRules {

	static final String PROPERTY = "tollgate.admin.allowed-upstreams";

	private static final Pattern HOST_NAME = Pattern
		.compile("(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");

	/** Names the clouds give their instance-metadata services. */
	private static final Set<String> METADATA_NAMES = Set.of("metadata.google.internal", "metadata.goog", "metadata",
			"instance-data", "instance-data.ec2.internal");

	private static final List<IpRange> BLOCKED = List.of(IpRange.parse("169.254.0.0/16"), IpRange.parse("fe80::/10"),
			IpRange.parse("fd00:ec2::254/128"),
			// Alibaba Cloud, Oracle Cloud and Azure (wire server) metadata endpoints
			IpRange.parse("100.100.100.200/32"), IpRange.parse("192.0.0.192/32"), IpRange.parse("168.63.129.16/32"));

	static final int MAX_LENGTH = 2048;

	private final List<IpRange> allowedRanges;

	private final Set<String> allowedNames;

	/**
	 * @param allowed entries of {@code tollgate.admin.allowed-upstreams}: host names, IP
	 * addresses or CIDR ranges
	 * @throws IllegalArgumentException naming the first bad entry
	 */
	public ApiUpstreamRules(List<String> allowed) {
		List<IpRange> ranges = new ArrayList<>();
		List<String> names = new ArrayList<>();
		for (int i = 0; i < allowed.size(); i++) {
			String entry = allowed.get(i) == null ? "" : allowed.get(i).trim();
			IpRange range = IpRange.tryParse(entry);
			if (range != null) {
				ranges.add(range);
			}
			else if (HOST_NAME.matcher(entry).matches() && entry.length() <= 253 && !endsInNumber(entry)) {
				names.add(entry.toLowerCase(Locale.ROOT));
			}
			else {
				throw new IllegalArgumentException(PROPERTY + "[" + i + "]: '" + entry
						+ "' is not a host name, an IP address or a CIDR range such as 169.254.170.0/24");
			}
		}
		this.allowedRanges = List.copyOf(ranges);
		this.allowedNames = Set.copyOf(names);
	}

	/**
	 * The checked upstream.
	 *
	 * @param uri the upstream in canonical form (scheme and host lower case, no trailing
	 * slash), null when refused
	 * @param error why it is refused, null when accepted
	 */
	public record Checked(@Nullable URI uri, @Nullable String error) {

		static Checked refused(String error) {
			return new Checked(null, error);
		}

	}

	public Checked check(String text) {
		if (text.length() > MAX_LENGTH) {
			return Checked.refused("must be at most " + MAX_LENGTH + " characters");
		}
		URI uri;
		try {
			uri = new URI(text);
		}
		catch (URISyntaxException ex) {
			return Checked.refused("is not a URI: " + ex.getReason());
		}
		if (!uri.isAbsolute() || uri.isOpaque()) {
			return Checked.refused("must be an absolute http or https URI such as http://shop:8080");
		}
		String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
		if (!scheme.equals("http") && !scheme.equals("https")) {
			return Checked.refused("must use http or https, not '" + uri.getScheme() + "'");
		}
		if (!uri.toASCIIString().equals(text)) {
			return Checked.refused("must be ASCII (percent-encode the rest)");
		}
		if (uri.getRawUserInfo() != null) {
			return Checked.refused("must not carry user info (credentials do not belong in a URI)");
		}
		if (uri.getRawQuery() != null) {
			return Checked.refused("must not have a query");
		}
		if (uri.getRawFragment() != null) {
			return Checked.refused("must not have a fragment");
		}
		String host = uri.getHost();
		if (host == null) {
			return Checked.refused(unparsedHostError(uri.getRawAuthority()));
		}
		int port = uri.getPort();
		if (port == 0 || port > 65535) {
			return Checked.refused("port must be within 1-65535, got " + port);
		}
		String pathError = pathError(uri.getRawPath());
		if (pathError != null) {
			return Checked.refused(pathError);
		}
		String hostError = hostError(host.toLowerCase(Locale.ROOT));
		if (hostError != null) {
			return Checked.refused(hostError);
		}
		String path = uri.getRawPath() == null ? "" : uri.getRawPath();
		if (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		String canonical = scheme + "://" + host.toLowerCase(Locale.ROOT) + (port == -1 ? "" : ":" + port) + path;
		return new Checked(URI.create(canonical), null);
	}

	/**
	 * Why java.net.URI found no host: numeric forms it does not read as IPv4 are named
	 * for what resolvers make of them.
	 */
	private String unparsedHostError(@Nullable String authority) {
		String generic = "needs a valid host name or IP address, got "
				+ ApiCodec.quote(authority == null ? "" : authority);
		if (authority == null || authority.isEmpty()) {
			return generic;
		}
		if (authority.indexOf('@') >= 0) {
			return "must not carry user info (credentials do not belong in a URI)";
		}
		String host = authority.replaceFirst(":[0-9]*$", "").toLowerCase(Locale.ROOT);
		if (!host.startsWith("[") && endsInNumber(host) && host.matches("[0-9a-fx.]+")) {
			String error = hostError(host);
			return error != null ? error : generic;
		}
		return generic;
	}

	@Nullable
	private static String pathError(@Nullable String path) {
		if (path == null || path.isEmpty()) {
			return null;
		}
		String lower = path.toLowerCase(Locale.ROOT);
		if (path.contains("..") || lower.contains("%2e")) {
			return "path must not contain '..' or '%2e'";
		}
		if (path.contains("//")) {
			return "path must not contain '//'";
		}
		if (lower.contains("%2f") || lower.contains("%5c") || path.contains(";")) {
			return "path must not contain encoded slashes, backslashes or ';'";
		}
		return null;
	}

	@Nullable
	private String hostError(String host) {
		if (host.startsWith("[")) {
			return ipv6Error(host.substring(1, host.length() - 1));
		}
		if (endsInNumber(host)) {
			long v4 = parseIpv4(host);
			if (v4 < 0) {
				return "host '" + host + "' is not a valid IPv4 address";
			}
			byte[] address = ipv4Bytes(v4);
			String dotted = dotted(address);
			if (!dotted.equals(host)) {
				return "host '" + host + "' is the IPv4 address " + dotted + " in another notation: write it as "
						+ dotted;
			}
			return blockedError(host, address, null);
		}
		if (host.length() > 253 || !HOST_NAME.matcher(host).matches()) {
			return "host '" + host + "' is not a valid host name";
		}
		if (METADATA_NAMES.contains(host) && !this.allowedNames.contains(host)) {
			return "host '" + host + "' is a cloud-metadata service; list it in " + PROPERTY + " to allow it";
		}
		return null;
	}

	@Nullable
	private String ipv6Error(String literal) {
		if (literal.indexOf('%') >= 0) {
			return "IPv6 zone identifiers are not allowed in upstream hosts";
		}
		InetAddress address;
		try {
			// a literal with ':' is parsed, never looked up
			address = InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			return "host '[" + literal + "]' is not a valid IPv6 address";
		}
		if (address instanceof Inet4Address v4) {
			// an IPv4-mapped address (::ffff:a.b.c.d), which Java hands back as IPv4
			return blockedError("[" + literal + "]", v4.getAddress(), null);
		}
		byte[] bytes = address.getAddress();
		return blockedError("[" + literal + "]", bytes, embeddedIpv4(bytes));
	}

	@Nullable
	private String blockedError(String host, byte[] address, @Nullable List<byte[]> embedded) {
		List<byte[]> candidates = new ArrayList<>();
		candidates.add(address);
		if (embedded != null) {
			candidates.addAll(embedded);
		}
		for (byte[] candidate : candidates) {
			for (IpRange blocked : BLOCKED) {
				if (blocked.contains(candidate) && !allowed(candidate)) {
					return "host '" + host + "' is a link-local or cloud-metadata address (" + blocked
							+ "); list it in " + PROPERTY + " to allow it";
				}
			}
		}
		return null;
	}

	private boolean allowed(byte[] address) {
		for (IpRange range : this.allowedRanges) {
			if (range.contains(address)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * IPv4 addresses an IPv6 address may stand for: IPv4-compatible, IPv4-translated,
	 * NAT64 (well-known and local-use prefixes), 6to4 and Teredo (client).
	 */
	static List<byte[]> embeddedIpv4(byte[] v6) {
		List<byte[]> out = new ArrayList<>();
		byte[] last32 = Arrays.copyOfRange(v6, 12, 16);
		boolean zero80 = allZero(v6, 0, 10);
		if (zero80 && ((v6[10] == 0 && v6[11] == 0) || (v6[10] == (byte) 0xff && v6[11] == (byte) 0xff))) {
			out.add(last32); // ::a.b.c.d, ::ffff:a.b.c.d
		}
		if (allZero(v6, 0, 8) && v6[8] == (byte) 0xff && v6[9] == (byte) 0xff && v6[10] == 0 && v6[11] == 0) {
			out.add(last32); // ::ffff:0:a.b.c.d
		}
		if (u16(v6, 0) == 0x0064 && u16(v6, 2) == 0xff9b && (allZero(v6, 4, 12) || u16(v6, 4) == 0x0001)) {
			out.add(last32); // 64:ff9b::/96, 64:ff9b:1::/48
		}
		if (u16(v6, 0) == 0x2002) {
			out.add(Arrays.copyOfRange(v6, 2, 6)); // 6to4
		}
		if (u16(v6, 0) == 0x2001 && u16(v6, 2) == 0x0000) {
			byte[] client = new byte[4];
			for (int i = 0; i < 4; i++) {
				client[i] = (byte) ~v6[12 + i];
			}
			out.add(client); // Teredo: the client address, obfuscated
			out.add(Arrays.copyOfRange(v6, 4, 8)); // and its server
		}
		return out;
	}

	private static boolean allZero(byte[] b, int from, int to) {
		for (int i = from; i < to; i++) {
			if (b[i] != 0) {
				return false;
			}
		}
		return true;
	}

	private static int u16(byte[] b, int at) {
		return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
	}

	/**
	 * Whether a host is to be read as an IPv4 address: its last label is a number (WHATWG
	 * URL Standard, "ends in a number").
	 */
	static boolean endsInNumber(String host) {
		String[] labels = host.split("\\.", -1);
		int n = labels.length;
		if (n > 1 && labels[n - 1].isEmpty()) {
			n--;
		}
		String last = labels[n - 1];
		if (!last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9')) {
			return true;
		}
		return (last.startsWith("0x") || last.startsWith("0X"))
				&& last.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0);
	}

	/**
	 * The IPv4 address of a numeric host as resolvers read it (1 to 4 parts, each
	 * decimal, octal with a leading 0, or hex with 0x), or -1 when it is none.
	 */
	static long parseIpv4(String host) {
		List<String> parts = new ArrayList<>(Arrays.asList(host.split("\\.", -1)));
		if (parts.size() > 1 && parts.get(parts.size() - 1).isEmpty()) {
			parts.remove(parts.size() - 1);
		}
		if (parts.isEmpty() || parts.size() > 4) {
			return -1;
		}
		long[] values = new long[parts.size()];
		for (int i = 0; i < parts.size(); i++) {
			String p = parts.get(i);
			int radix = 10;
			if (p.startsWith("0x") || p.startsWith("0X")) {
				radix = 16;
				p = p.substring(2);
				if (p.isEmpty()) {
					p = "0";
				}
			}
			else if (p.length() > 1 && p.startsWith("0")) {
				radix = 8;
				p = p.substring(1);
			}
			if (p.isEmpty() || p.length() > 40) {
				return -1;
			}
			for (int c = 0; c < p.length(); c++) {
				if (Character.digit(p.charAt(c), radix) < 0) {
					return -1;
				}
			}
			BigInteger value = new BigInteger(p, radix);
			if (value.bitLength() > 32) {
				return -1;
			}
			values[i] = value.longValue();
		}
		int n = values.length;
		for (int i = 0; i < n - 1; i++) {
			if (values[i] > 255) {
				return -1;
			}
		}
		if (values[n - 1] >= (1L << (8 * (5 - n)))) {
			return -1;
		}
		long address = values[n - 1];
		for (int i = 0; i < n - 1; i++) {
			address += values[i] << (8 * (3 - i));
		}
		return address;
	}

	private static byte[] ipv4Bytes(long v) {
		return new byte[] { (byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v };
	}

	private static String dotted(byte[] a) {
		return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
	}

	/** An IPv4 or IPv6 CIDR range. */
	record IpRange(byte[] network, int prefix, String text) {

		static IpRange parse(String text) {
			IpRange range = tryParse(text);
			if (range == null) {
				throw new IllegalArgumentException("Not a CIDR range: " + text);
			}
			return range;
		}

		/**
		 * An address ({@code a.b.c.d}, {@code [v6]}, {@code v6}) or CIDR range, or null.
		 */
		@Nullable
		static IpRange tryParse(String text) {
			String address = text;
			int prefix = -1;
			int slash = text.indexOf('/');
			if (slash >= 0) {
				address = text.substring(0, slash);
				String bits = text.substring(slash + 1);
				if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(c -> c >= '0' && c <= '9')) {
					return null;
				}
				prefix = Integer.parseInt(bits);
			}
			if (address.startsWith("[") && address.endsWith("]")) {
				address = address.substring(1, address.length() - 1);
			}
			byte[] bytes;
			if (address.indexOf(':') >= 0) {
				if (address.indexOf('%') >= 0) {
					return null;
				}
				try {
					bytes = InetAddress.getByName(address).getAddress();
				}
				catch (UnknownHostException ex) {
					return null;
				}
				if (bytes.length == 4 && prefix >= 0) {
					return null; // a mapped v4 written as v6 with a v6 prefix length
				}
			}
			else {
				if (!address.matches("(\\d{1,3}\\.){3}\\d{1,3}")) {
					return null;
				}
				long v = parseIpv4(address);
				if (v < 0 || !dotted(ipv4Bytes(v)).equals(address)) {
					return null;
				}
				bytes = ipv4Bytes(v);
			}
			int max = bytes.length * 8;
			if (prefix > max) {
				return null;
			}
			return new IpRange(bytes, prefix < 0 ? max : prefix, text);
		}

		boolean contains(byte[] address) {
			if (address.length != this.network.length) {
				return false;
			}
			int full = this.prefix / 8;
			for (int i = 0; i < full; i++) {
				if (address[i] != this.network[i]) {
					return false;
				}
			}
			int rest = this.prefix % 8;
			if (rest == 0) {
				return true;
			}
			int mask = (0xff << (8 - rest)) & 0xff;
			return (address[full] & mask) == (this.network[full] & mask);
		}

		@Override
		public String toString() {
			return this.text;
		}

	}

}
