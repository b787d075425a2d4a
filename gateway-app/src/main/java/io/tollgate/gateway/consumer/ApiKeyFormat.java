package io.tollgate.gateway.consumer;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.zip.CRC32;

import org.springframework.lang.Nullable;

/**
 * The API key format, after GitHub's tokens: {@code tg_}, 32 random bytes in base62 (43
 * characters), then the CRC32 of everything before it in base62 (6 characters), 52
 * characters in all. Secret scanners recognise the prefix and can verify the checksum;
 * the gateway refuses a mistyped or invented key without any lookup.
 */
public final class ApiKeyFormat {

	/** What every key starts with. */
	public static final String PREFIX = "tg_";

	static final int RANDOM_BYTES = 32;

	/** 62^43 > 2^256: 43 base62 digits hold 32 bytes. */
	static final int BODY_LENGTH = 43;

	/** 62^6 > 2^32: 6 base62 digits hold a CRC32. */
	static final int CHECKSUM_LENGTH = 6;

	public static final int LENGTH = PREFIX.length() + BODY_LENGTH + CHECKSUM_LENGTH;

	/**
	 * How much of a key is stored and shown to recognise it: {@code tg_} and 7 characters
	 * (about 42 of its 256 random bits).
	 */
	public static final int DISPLAY_PREFIX_LENGTH = PREFIX.length() + 7;

	private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

	private static final BigInteger BASE = BigInteger.valueOf(62);

	private final SecureRandom random;

	public ApiKeyFormat(SecureRandom random) {
		this.random = random;
	}

	/** A new random key. */
	public String generate() {
		byte[] bytes = new byte[RANDOM_BYTES];
		this.random.nextBytes(bytes);
		String head = PREFIX + base62(new BigInteger(1, bytes), BODY_LENGTH);
		return head + base62(BigInteger.valueOf(crc(head, head.length())), CHECKSUM_LENGTH);
	}

	/** Whether {@code key} has the format and its checksum holds. */
	public static boolean wellFormed(@Nullable String key) {
		if (key == null || key.length() != LENGTH || !key.startsWith(PREFIX)) {
			return false;
		}
		for (int i = PREFIX.length(); i < LENGTH; i++) {
			if (digit(key.charAt(i)) < 0) {
				return false;
			}
		}
		long checksum = 0;
		for (int i = LENGTH - CHECKSUM_LENGTH; i < LENGTH; i++) {
			checksum = checksum * 62 + digit(key.charAt(i));
		}
		return checksum == crc(key, LENGTH - CHECKSUM_LENGTH);
	}

	/** The part of a key that is stored and listed ({@code tg_} and 7 characters). */
	public static String displayPrefix(String key) {
		return key.substring(0, DISPLAY_PREFIX_LENGTH);
	}

	static boolean validDisplayPrefix(@Nullable String prefix) {
		if (prefix == null || prefix.length() != DISPLAY_PREFIX_LENGTH || !prefix.startsWith(PREFIX)) {
			return false;
		}
		for (int i = PREFIX.length(); i < prefix.length(); i++) {
			if (digit(prefix.charAt(i)) < 0) {
				return false;
			}
		}
		return true;
	}

	private static long crc(String ascii, int length) {
		CRC32 crc = new CRC32();
		for (int i = 0; i < length; i++) {
			crc.update(ascii.charAt(i));
		}
		return crc.getValue();
	}

	private static String base62(BigInteger value, int width) {
		char[] out = new char[width];
		BigInteger v = value;
		for (int i = width - 1; i >= 0; i--) {
			BigInteger[] qr = v.divideAndRemainder(BASE);
			out[i] = ALPHABET.charAt(qr[1].intValue());
			v = qr[0];
		}
		if (v.signum() != 0) {
			throw new IllegalStateException("value does not fit in " + width + " base62 digits");
		}
		return new String(out);
	}

	private static int digit(char c) {
		if (c >= '0' && c <= '9') {
			return c - '0';
		}
		if (c >= 'A' && c <= 'Z') {
			return c - 'A' + 10;
		}
		if (c >= 'a' && c <= 'z') {
			return c - 'a' + 36;
		}
		return -1;
	}

}
