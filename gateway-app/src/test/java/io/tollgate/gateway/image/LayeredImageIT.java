package io.tollgate.gateway.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What can be tested of {@code gateway-app/Dockerfile} without a Docker engine: its build
 * stage's {@code RUN} (the jarmode extraction) is run on the packaged jar, its
 * {@code COPY --from} sources must exist in that layout and follow the jar's layer order,
 * the layers are merged as the image would hold them, and the {@code ENTRYPOINT} with the
 * image's {@code ENV} starts the gateway from them, which then answers 200.
 */
class LayeredImageIT {

	private static final Path MODULE = Path.of("").toAbsolutePath();

	private static final Path JAR = MODULE.resolve("target/gateway-app.jar");

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	@TempDir
	static Path root;

	private static Dockerfile dockerfile;

	private static Process gateway;

	private static Path log;

	@BeforeAll
	static void parse() throws IOException {
		dockerfile = Dockerfile.parse(MODULE.resolve("Dockerfile"));
	}

	@AfterAll
	static void stop() throws InterruptedException {
		if (gateway != null && gateway.isAlive()) {
			gateway.destroy();
			if (!gateway.waitFor(30, TimeUnit.SECONDS)) {
				gateway.destroyForcibly();
			}
		}
	}

	@Test
	void theImageIsLayeredRunsAsNonRootAndNeedsNoShell() {
		Dockerfile.Stage runtime = dockerfile.stages.get(dockerfile.stages.size() - 1);
		assertThat(runtime.runs).as("the runtime stage runs nothing at build time (no shell there)").isEmpty();
		assertThat(runtime.user).as("numeric non-root user").matches("[1-9][0-9]*(:[1-9][0-9]*)?");
		assertThat(runtime.entrypoint).as("exec form, no shell").startsWith("[");
		assertThat(dockerfile.args.get("RUNTIME_IMAGE")).as("a JRE base without a shell").contains("distroless/java");
		assertThat(dockerfile.args.get("BUILD_IMAGE")).contains("jre");
	}

	@Test
	void theExtractedLayersMatchTheCopiesAndStartTheGateway() throws Exception {
		Dockerfile.Stage build = dockerfile.stages.get(0);
		Dockerfile.Stage runtime = dockerfile.stages.get(dockerfile.stages.size() - 1);

		// the build stage: COPY the jar in, RUN the extraction
		Path buildDir = inImage(build.workdir);
		Files.createDirectories(buildDir);
		assertThat(build.copies).singleElement();
		Dockerfile.Copy jarCopy = build.copies.get(0);
		assertThat(MODULE.resolve(jarCopy.source)).as("the build context has the jar").isEqualTo(JAR).exists();
		Files.copy(JAR, buildDir.resolve(jarCopy.destination), StandardCopyOption.REPLACE_EXISTING);
		assertThat(build.runs).singleElement().asString().contains("-Djarmode=tools").contains("extract");
		run(buildDir, command(build.runs.get(0)));

		// the runtime stage: one COPY per layer, in the jar's layer order, merged into
		// WORKDIR
		List<String> layers = run(buildDir,
				List.of(java(), "-Djarmode=tools", "-jar", jarCopy.destination, "list-layers"))
			.lines()
			.map(String::trim)
			.filter(l -> !l.isEmpty())
			.toList();
		List<String> copied = new ArrayList<>();
		Path appDir = inImage(runtime.workdir);
		for (Dockerfile.Copy copy : runtime.copies) {
			assertThat(copy.from).isEqualTo(build.name);
			Path source = inImage(copy.source);
			assertThat(source).as(copy.source + " exists after the extraction").isDirectory();
			copied.add(source.getFileName().toString());
			mergeInto(source, appDir.resolve(copy.destination).normalize());
		}
		assertThat(copied).as("every layer, in order").isEqualTo(layers);

		// ENTRYPOINT with the image's ENV, from WORKDIR
		int port = freePort();
		int managementPort = freePort();
		List<String> command = new ArrayList<>(entrypoint(runtime.entrypoint));
		command.addAll(List.of("--server.port=" + port, "--management.server.port=" + managementPort,
				"--spring.data.redis.url=redis://127.0.0.1:1", "--tollgate.lifecycle.drain-delay=0s",
				"--spring.cloud.gateway.server.webflux.routes[0].id=hello",
				"--spring.cloud.gateway.server.webflux.routes[0].uri=" + upstream.url(),
				"--spring.cloud.gateway.server.webflux.routes[0].predicates[0]=Path=/hello/**",
				"--spring.cloud.gateway.server.webflux.routes[0].metadata.public=true"));
		log = root.resolve("gateway.log");
		ProcessBuilder pb = new ProcessBuilder(command).directory(appDir.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		pb.environment().putAll(runtime.env);
		gateway = pb.start();

		HttpClient http = HttpClient.newHttpClient();
		awaitStatus(http, "http://127.0.0.1:" + managementPort + "/actuator/health/readiness", 200);
		HttpResponse<String> hello = http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello/world")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(hello.statusCode()).as(Files.readString(log)).isEqualTo(200);
		assertThat(upstream.lastRequest().path()).isEqualTo("/hello/world");
		assertThat(Files.readString(log)).as("started from the exploded layers, not a jar")
			.contains("Starting TollgateApplication")
			.doesNotContain("gateway-app.jar started");
	}

	private static Path inImage(String absolute) {
		return root.resolve(absolute.replaceFirst("^/", ""));
	}

	private static List<String> command(String run) {
		List<String> words = new ArrayList<>(Arrays.asList(run.trim().split("\\s+")));
		assertThat(words.get(0)).isEqualTo("java");
		words.set(0, java());
		return words;
	}

	private static List<String> entrypoint(String json) {
		List<String> words = new ArrayList<>(
				Arrays.asList(JsonMapper.builder().build().readValue(json, String[].class)));
		assertThat(words.get(0)).isEqualTo("java");
		words.set(0, java());
		return words;
	}

	private static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static String run(Path dir, List<String> command) throws IOException, InterruptedException {
		Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes());
		assertThat(p.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
		return out;
	}

	private static void mergeInto(Path source, Path target) throws IOException {
		try (Stream<Path> files = Files.walk(source)) {
			for (Path file : files.toList()) {
				Path to = target.resolve(source.relativize(file).toString());
				if (Files.isDirectory(file)) {
					Files.createDirectories(to);
				}
				else {
					Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
				}
			}
		}
	}

	private static void awaitStatus(HttpClient http, String url, int status) throws Exception {
		Instant deadline = Instant.now().plusSeconds(90);
		while (Instant.now().isBefore(deadline)) {
			assertThat(gateway.isAlive()).as("gateway exited:%n%s", Files.readString(log)).isTrue();
			try {
				HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
						HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() == status) {
					return;
				}
			}
			catch (IOException notYet) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		throw new AssertionError("no " + status + " from " + url + ":\n" + Files.readString(log));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * The instructions of a Dockerfile this test reads (one per line, no continuations).
	 */
	static final class Dockerfile {

		private static final Pattern FROM = Pattern.compile("FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?",
				Pattern.CASE_INSENSITIVE);

		private static final Pattern COPY = Pattern.compile("COPY\\s+(?:--from=(\\S+)\\s+)?(\\S+)\\s+(\\S+)");

		private static final Pattern ENV = Pattern.compile("ENV\\s+([A-Z_]+)=\"(.*)\"");

		private static final Pattern ARG = Pattern.compile("ARG\\s+([A-Z_]+)=(\\S+)");

		final Map<String, String> args = new LinkedHashMap<>();

		final List<Stage> stages = new ArrayList<>();

		static Dockerfile parse(Path path) throws IOException {
			Dockerfile file = new Dockerfile();
			for (String raw : Files.readAllLines(path)) {
				String line = raw.trim();
				if (line.isEmpty() || line.startsWith("#")) {
					continue;
				}
				Stage stage = file.stages.isEmpty() ? null : file.stages.get(file.stages.size() - 1);
				String instruction = line.split("\\s+", 2)[0].toUpperCase();
				String rest = line.substring(instruction.length()).trim();
				Matcher m;
				switch (instruction) {
					case "ARG" -> {
						m = match(ARG, line);
						file.args.put(m.group(1), m.group(2));
					}
					case "FROM" -> {
						m = match(FROM, line);
						file.stages.add(new Stage(m.group(2)));
					}
					case "WORKDIR" -> stage.workdir = rest;
					case "COPY" -> {
						m = match(COPY, line);
						stage.copies.add(new Copy(m.group(1), m.group(2), m.group(3)));
					}
					case "RUN" -> stage.runs.add(rest);
					case "USER" -> stage.user = rest;
					case "ENV" -> {
						m = match(ENV, line);
						stage.env.put(m.group(1), m.group(2));
					}
					case "ENTRYPOINT" -> stage.entrypoint = rest;
					case "EXPOSE", "LABEL" -> {
					}
					default -> throw new IllegalStateException("Instruction this test does not know: " + line);
				}
			}
			return file;
		}

		private static Matcher match(Pattern pattern, String line) {
			Matcher m = pattern.matcher(line);
			if (!m.matches()) {
				throw new UncheckedIOException(new IOException("Cannot read: " + line));
			}
			return m;
		}

		static final class Stage {

			final String name;

			String workdir = "/";

			final List<Copy> copies = new ArrayList<>();

			final List<String> runs = new ArrayList<>();

			final Map<String, String> env = new LinkedHashMap<>();

			String user;

			String entrypoint;

			Stage(String name) {
				this.name = name;
			}

		}

		record Copy(String from, String source, String destination) {
		}

	}

}
