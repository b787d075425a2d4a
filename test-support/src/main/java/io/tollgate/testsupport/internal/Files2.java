package io.tollgate.testsupport.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** File helpers for harness temp dirs and log tails. */
public final class Files2 {

	private Files2() {
	}

	/** A fresh temp dir with the given prefix. */
	public static Path tempDir(String prefix) {
		try {
			return Files.createTempDirectory(prefix);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** The last {@code lines} lines of a text file, or a note when it cannot be read. */
	public static String tail(Path file, int lines) {
		try {
			if (!Files.exists(file)) {
				return "(no log at " + file + ")";
			}
			List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
			List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
			return "--- last " + last.size() + " lines of " + file + " ---\n" + String.join("\n", last);
		}
		catch (IOException | UncheckedIOException e) {
			return "(cannot read " + file + ": " + e + ")";
		}
	}

	/** Deletes a directory tree, ignoring failures (it is a temp dir). */
	public static void deleteQuietly(Path dir) {
		if (dir == null || !Files.exists(dir)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(dir)) {
			walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
		catch (IOException | UncheckedIOException e) {
			// best effort: it lives under java.io.tmpdir
		}
	}

}
