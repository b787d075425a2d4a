package io.tollgate.policy.identity;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.springframework.lang.Nullable;

/**
 * How claim values travel in a request header, so that the upstream receives exactly the
 * value the token holds and two different values never arrive as the same header.
 *
 * <p>
 * A header carries a list of values separated by {@code ,} (a scalar claim is a list of
 * one). A value is sent as it is when it is non-empty printable ASCII ({@code 0x20-0x7E})
 * without a comma, without leading or trailing space, and does not begin with
 * {@code UTF-8''} (in any case). Every other value is sent in RFC 8187 {@code ext-value}
 * form: {@code UTF-8''} followed by its UTF-8 bytes, each byte other than an RFC 8187
 * {@code attr-char} as {@code %XX}. So {@code " cb1"} arrives as {@code UTF-8''%20cb1},
 * {@code "victim一"} as {@code UTF-8''victim%E4%B8%80}, {@code ""} as {@code UTF-8''}.
 * {@link #decode(String)} gives the values back.
 */
public final class ClaimHeaderValues {

	/** Marks an encoded value (RFC 8187: charset, empty language tag). */
	public static final String ENCODED_PREFIX = "UTF-8''";

	private static final char[] HEX = "0123456789ABCDEF".toCharArray();

	private ClaimHeaderValues() {
	}

	/**
	 * The header value for these claim values, or null when one of them cannot be written
	 * as UTF-8 (a lone surrogate), so no faithful header exists.
	 */
	@Nullable
	public static String encode(List<String> values) {
		StringBuilder sb = new StringBuilder();
		for (String value : values) {
			if (!sb.isEmpty()) {
				sb.append(',');
			}
			if (verbatim(value)) {
				sb.append(value);
			}
			else if (!appendEncoded(sb, value)) {
				return null;
			}
		}
		return sb.toString();
	}

	/** The claim values a header written by {@link #encode(List)} carries. */
	public static List<String> decode(String header) {
		List<String> values = new ArrayList<>();
		for (String item : header.split(",", -1)) {
			values.add(isEncoded(item) ? percentDecode(item.substring(ENCODED_PREFIX.length())) : item);
		}
		return values;
	}

	static boolean verbatim(String value) {
		int n = value.length();
		if (n == 0 || value.charAt(0) == ' ' || value.charAt(n - 1) == ' ' || isEncoded(value)) {
			return false;
		}
		for (int i = 0; i < n; i++) {
			char c = value.charAt(i);
			if (c < 0x20 || c > 0x7e || c == ',') {
				return false;
			}
		}
		return true;
	}

	private static boolean isEncoded(String value) {
		return value.regionMatches(true, 0, ENCODED_PREFIX, 0, ENCODED_PREFIX.length());
	}

	private static boolean appendEncoded(StringBuilder sb, String value) {
		ByteBuffer bytes;
		try {
			bytes = StandardCharsets.UTF_8.newEncoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.encode(CharBuffer.wrap(value));
		}
		catch (CharacterCodingException ex) {
			return false;
		}
		sb.append(ENCODED_PREFIX);
		while (bytes.hasRemaining()) {
			int b = bytes.get() & 0xff;
			if (attrChar(b)) {
				sb.append((char) b);
			}
			else {
				sb.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
			}
		}
		return true;
	}

	/** RFC 8187 section 3.2.1 attr-char. */
	private static boolean attrChar(int b) {
		return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
				|| "!#$&+-.^_`|~".indexOf(b) >= 0;
	}

	private static String percentDecode(String text) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '%') {
				if (i + 2 >= text.length()) {
					throw new IllegalArgumentException("Truncated percent-escape in '" + text + "'");
				}
				int hi = Character.digit(text.charAt(i + 1), 16);
				int lo = Character.digit(text.charAt(i + 2), 16);
				if (hi < 0 || lo < 0) {
					throw new IllegalArgumentException("Bad percent-escape in '" + text + "'");
				}
				out.write(hi << 4 | lo);
				i += 2;
			}
			else {
				out.write(c);
			}
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(out.toByteArray()))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new IllegalArgumentException("Not UTF-8: '" + text + "'", ex);
		}
	}

}
