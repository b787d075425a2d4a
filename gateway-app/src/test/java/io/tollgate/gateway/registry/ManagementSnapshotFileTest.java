package io.tollgate.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import io.tollgate.gateway.support.LogCapture;

class ManagementSnapshotFileTest {

	@TempDir
	Path dir;

	static Snapshot snapshot(long revision) {
		return new Snapshot(revision, Map.of(Kind.PLANS,
				List.of(new StoredResource(Kind.PLANS, "gold", 3, "{\"limits\":[\"10/1s\"],\"n\":\"\\u00e9\\n\"}")),
				Kind.APIS, List.of(new StoredResource(Kind.APIS, "shop-v1", revision, "{}"))));
	}

	@Test
	void whenWritten_thenItReadsBackAsItWas_ownerOnly_withNoTemporaryFileLeft() throws Exception {
		ManagementSnapshotFile file = ManagementSnapshotFile.in(this.dir.resolve("nested/mgmt").toString());
		assertThat(file.read()).isNull();
		assertThat(file.write(snapshot(4))).isTrue();
		assertThat(file.write(snapshot(5))).isTrue();
		Snapshot read = file.read();
		assertThat(read).isEqualTo(snapshot(5));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path()))).isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path().getParent())))
			.isEqualTo("rwx------");
		try (var files = Files.list(file.path().getParent())) {
			assertThat(files.map(p -> p.getFileName().toString())).containsExactly("management-snapshot.json");
		}
	}

	@Test
	void whenTheFileIsNotASnapshot_thenItIsIgnored_withOneErrorNamingIt() throws Exception {
		ManagementSnapshotFile file = ManagementSnapshotFile.in(this.dir.toString());
		for (String content : new String[] { "{\"format\":\"tollgate-management-snapshot/1\",\"revision\":", "[]",
				"{\"format\":\"other\",\"revision\":1,\"resources\":{}}",
				"{\"format\":\"tollgate-management-snapshot/1\",\"revision\":-1,\"resources\":{}}",
				"{\"format\":\"tollgate-management-snapshot/1\",\"revision\":1,\"resources\":{\"routes\":[]}}",
				"{\"format\":\"tollgate-management-snapshot/1\",\"revision\":1,\"resources\":{\"plans\":[{\"id\":\"a\",\"revision\":1,\"json\":{}}]}}" }) {
			Files.writeString(file.path(), content);
			try (LogCapture logs = LogCapture.start()) {
				assertThat(file.read()).as(content).isNull();
				assertThat(logs.events(e -> e.getLevel() == Level.ERROR)).hasSize(1)
					.allMatch(e -> e.getFormattedMessage().contains(file.path().toString()));
			}
		}
	}

	@Test
	void whenTheDirectoryCannotBeUsed_thenStartupNamesTheProperty() throws Exception {
		Path notADir = Files.writeString(this.dir.resolve("file"), "x");
		assertThatThrownBy(() -> ManagementSnapshotFile.in(notADir.resolve("sub").toString()))
			.isInstanceOf(InvalidConfigurationPropertyValueException.class)
			.hasMessageContaining("tollgate.management.snapshot-dir");
		Path readOnly = Files.createDirectory(this.dir.resolve("ro"));
		Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-x------"));
		if (!Files.isWritable(readOnly)) { // root can write anywhere
			assertThatThrownBy(() -> ManagementSnapshotFile.in(readOnly.toString()))
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("tollgate.management.snapshot-dir");
		}
	}

}
