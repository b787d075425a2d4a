package io.tollgate.gateway.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.lang.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The last state a replica applied, on its local disk
 * ({@code tollgate.management.snapshot-dir}), so it can serve managed resources when
 * Redis is down at start. Written whole to a temporary file, flushed, then renamed over
 * the previous one, so a crash leaves either the old or the new snapshot, never half of
 * one. Readable by its owner only (it holds key hashes). What it reads back is the
 * store's raw content: the codecs validate it like content from Redis.
 */
public final class ManagementSnapshotFile {

	private static final Logger log = LoggerFactory.getLogger(ManagementSnapshotFile.class);

	static final String PROPERTY = "tollgate.management.snapshot-dir";

	static final String FILE_NAME = "management-snapshot.json";

	static final String FORMAT = "tollgate-management-snapshot/1";

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

	private final Path dir;

	private final Path file;

	private ManagementSnapshotFile(Path dir) {
		this.dir = dir;
		this.file = dir.resolve(FILE_NAME);
	}

	/**
	 * The snapshot file in {@code dir}, which is created if missing; refused at startup,
	 * naming the property, when it cannot be used.
	 */
	public static ManagementSnapshotFile in(String dir) {
		Path path;
		try {
			path = Path.of(dir).toAbsolutePath().normalize();
		}
		catch (RuntimeException ex) {
			throw new InvalidConfigurationPropertyValueException(PROPERTY, dir, "is not a valid path");
		}
		try {
			if (!Files.isDirectory(path)) {
				if (POSIX) {
					Files.createDirectories(path,
							PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
				}
				else {
					Files.createDirectories(path);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			throw new InvalidConfigurationPropertyValueException(PROPERTY, dir,
					"cannot be created: " + ex.getClass().getSimpleName() + " " + ex.getMessage());
		}
		if (!Files.isWritable(path)) {
			throw new InvalidConfigurationPropertyValueException(PROPERTY, dir, "is not a writable directory");
		}
		return new ManagementSnapshotFile(path);
	}

	public Path path() {
		return this.file;
	}

	/** The snapshot on disk; null when there is none or it cannot be read (logged). */
	@Nullable
	public Snapshot read() {
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(this.file);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			log.error("Cannot read the management snapshot {}: {}", this.file, ex.toString());
			return null;
		}
		try {
			return decode(JSON.readTree(new String(bytes, StandardCharsets.UTF_8)));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			log.error("Ignoring the management snapshot {}: it is not a valid snapshot ({})", this.file,
					ex.getMessage());
			return null;
		}
	}

	/** Replaces the snapshot on disk; false (logged) when it could not be written. */
	public synchronized boolean write(Snapshot snapshot) {
		byte[] bytes = encode(snapshot).getBytes(StandardCharsets.UTF_8);
		Path tmp = null;
		try {
			FileAttribute<?>[] attrs = POSIX
					? new FileAttribute<?>[] {
							PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")) }
					: new FileAttribute<?>[0];
			tmp = Files.createTempFile(this.dir, ".management-snapshot-", ".tmp", attrs);
			try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE,
					StandardOpenOption.TRUNCATE_EXISTING)) {
				ByteBuffer buffer = ByteBuffer.wrap(bytes);
				while (buffer.hasRemaining()) {
					out.write(buffer);
				}
				out.force(true);
			}
			try {
				Files.move(tmp, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(tmp, this.file, StandardCopyOption.REPLACE_EXISTING);
			}
			tmp = null;
			return true;
		}
		catch (IOException | RuntimeException ex) {
			log.warn("Cannot write the management snapshot {}: {}", this.file, ex.toString());
			return false;
		}
		finally {
			if (tmp != null) {
				try {
					Files.deleteIfExists(tmp);
				}
				catch (IOException ex) {
					log.debug("Cannot remove {}: {}", tmp, ex.toString());
				}
			}
		}
	}

	static String encode(Snapshot snapshot) {
		ObjectNode root = JSON.createObjectNode();
		root.put("format", FORMAT);
		root.put("revision", snapshot.revision());
		ObjectNode resources = root.putObject("resources");
		for (Kind k : Kind.values()) {
			ArrayNode of = resources.putArray(k.path());
			for (StoredResource r : snapshot.of(k)) {
				of.addObject().put("id", r.id()).put("revision", r.revision()).put("json", r.json());
			}
		}
		return JSON.writeValueAsString(root);
	}

	static Snapshot decode(JsonNode root) {
		if (!root.isObject() || !FORMAT.equals(root.path("format").asString(null))) {
			throw new IllegalArgumentException("no \"format\": \"" + FORMAT + "\"");
		}
		JsonNode revision = root.get("revision");
		if (revision == null || !revision.isIntegralNumber() || revision.asLong() < 0) {
			throw new IllegalArgumentException("\"revision\" is not a revision");
		}
		JsonNode resources = root.get("resources");
		if (resources == null || !resources.isObject()) {
			throw new IllegalArgumentException("no \"resources\" object");
		}
		Map<Kind, List<StoredResource>> all = new EnumMap<>(Kind.class);
		for (Map.Entry<String, JsonNode> kind : resources.properties()) {
			Kind k = Kind.fromPath(kind.getKey());
			if (k == null || !kind.getValue().isArray()) {
				throw new IllegalArgumentException("\"resources." + kind.getKey() + "\" is not a kind of resource");
			}
			List<StoredResource> of = new ArrayList<>();
			int i = 0;
			for (JsonNode r : kind.getValue()) {
				JsonNode id = r.get("id");
				JsonNode rev = r.get("revision");
				JsonNode json = r.get("json");
				if (id == null || !id.isString() || rev == null || !rev.isIntegralNumber() || json == null
						|| !json.isString()) {
					throw new IllegalArgumentException(
							"\"resources." + k.path() + "[" + i + "]\" needs a string id and json and a revision");
				}
				of.add(new StoredResource(k, id.stringValue(), rev.asLong(), json.stringValue()));
				i++;
			}
			all.put(k, of);
		}
		return new Snapshot(revision.asLong(), all);
	}

}
