package io.tollgate.gateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tollgate.policy.config.RemovedPropertiesCheck;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's property tables and the configuration metadata (what IDEs show, from the
 * processor plus {@code additional-spring-configuration-metadata.json}) describe the same
 * {@code tollgate.*} properties, and every removed property is an error-level deprecation
 * pointing at its replacement.
 */
class ConfigurationMetadataTest {

	/** Backticked names in the first cell of a table whose first column is "property". */
	private static final Pattern NAME = Pattern.compile("`(tollgate\\.[a-z0-9.<>*-]+)`");

	private static final Map<String, JsonNode> metadata = new LinkedHashMap<>();

	private static String readme;

	@BeforeAll
	static void load() throws IOException {
		JsonMapper json = JsonMapper.builder().build();
		for (URL url : Collections.list(ConfigurationMetadataTest.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				for (JsonNode property : json.readTree(in).path("properties")) {
					metadata.putIfAbsent(property.path("name").asString(), property);
				}
			}
		}
		readme = Files.readString(Path.of("..", "README.md"));
	}

	@Test
	void everyPropertyInTheReadmeTablesHasMetadata() {
		Set<String> missing = new TreeSet<>();
		for (String name : readmeProperties()) {
			if (!metadata.containsKey(name) || isDeprecated(metadata.get(name))) {
				missing.add(name);
			}
		}
		assertThat(missing).as("documented in README.md, unknown to the configuration metadata").isEmpty();
	}

	@Test
	void everyTollgatePropertyInTheMetadataIsInAReadmeTable() {
		Set<String> documented = readmeProperties();
		Set<String> undocumented = new TreeSet<>();
		metadata.forEach((name, property) -> {
			if (!name.startsWith("tollgate.") || isDeprecated(property)) {
				return;
			}
			boolean map = property.path("type").asString().startsWith("java.util.Map");
			boolean inTable = documented.contains(name);
			// a map of named definitions is documented as name.<name>.* with its own
			// table
			boolean asMap = map && readme.contains("`" + name + ".<name>");
			if (!inTable && !asMap) {
				undocumented.add(name);
			}
		});
		assertThat(undocumented).as("in the configuration metadata, missing from README.md's property tables")
			.isEmpty();
	}

	@Test
	void everyPropertyHasADescription() {
		List<String> bare = new ArrayList<>();
		metadata.forEach((name, property) -> {
			if (name.startsWith("tollgate.") && property.path("description").asString().isBlank()) {
				bare.add(name);
			}
		});
		assertThat(bare).as("IDE help missing").isEmpty();
	}

	@Test
	void removedPropertiesAreErrorLevelDeprecationsNamingTheirReplacement() {
		Map<String, String> removed = RemovedPropertiesCheck.removedProperties();
		assertThat(removed).isNotEmpty();
		removed.forEach((name, replacement) -> {
			JsonNode property = metadata.get(name);
			assertThat(property).as(name).isNotNull();
			assertThat(property.path("deprecation").path("level").asString()).as(name).isEqualTo("error");
			assertThat(property.path("deprecation").path("replacement").asString()).as(name).isEqualTo(replacement);
			assertThat(metadata.get(replacement)).as("replacement of " + name).isNotNull();
		});
		Set<String> deprecated = new TreeSet<>();
		metadata.forEach((name, property) -> {
			if (name.startsWith("tollgate.") && isDeprecated(property)) {
				deprecated.add(name);
			}
		});
		assertThat(deprecated).as("refused at startup as well").isEqualTo(new TreeSet<>(removed.keySet()));
	}

	@Test
	void theChangelogNamesEveryRemovedProperty() throws IOException {
		String changelog = Files.readString(Path.of("..", "CHANGELOG.md"));
		RemovedPropertiesCheck.removedProperties()
			.forEach((name, replacement) -> assertThat(changelog).contains("`" + name + "`")
				.contains("`" + replacement + "`"));
	}

	private static boolean isDeprecated(JsonNode property) {
		return property.has("deprecation") || property.path("deprecated").asBoolean(false);
	}

	/**
	 * Names in the first column of every README table whose header starts with
	 * "property".
	 */
	private static Set<String> readmeProperties() {
		Set<String> names = new TreeSet<>();
		boolean propertyTable = false;
		String previous = "";
		for (String line : readme.lines().toList()) {
			String trimmed = line.trim();
			if (!trimmed.startsWith("|")) {
				propertyTable = false;
			}
			else if (trimmed.matches("\\|[-| :]+\\|")) {
				propertyTable = previous.toLowerCase().matches("\\|\\s*property\\s*\\|.*");
			}
			else if (propertyTable) {
				String first = trimmed.substring(1, trimmed.indexOf('|', 1));
				Matcher m = NAME.matcher(first);
				while (m.find()) {
					names.add(m.group(1));
				}
			}
			previous = trimmed;
		}
		return names;
	}

}
