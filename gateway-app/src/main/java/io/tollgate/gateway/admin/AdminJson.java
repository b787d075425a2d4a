package io.tollgate.gateway.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonPointer;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

import io.tollgate.gateway.registry.FieldError;
import io.tollgate.gateway.registry.ManagementProblem;

/**
 * JSON for the Admin API. Request bodies are read strictly: one JSON value, no duplicate
 * keys, no comments or trailing content, bounded nesting; a codec then sees exactly the
 * tree read here (re-serialized), so nothing it would refuse can slip past through a
 * parser difference. Responses are written with the same mapper.
 */
final class AdminJson {

	/** Deeper than any document of the Admin API needs. */
	static final int MAX_DEPTH = 32;

	private final JsonMapper mapper;

	private final YAMLMapper yaml;

	AdminJson() {
		JsonFactory factory = JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
			.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			.build();
		this.mapper = JsonMapper.builder(factory)
			.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
			.build();
		this.yaml = YAMLMapper.builder()
			.disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
			.enable(YAMLWriteFeature.MINIMIZE_QUOTES)
			.build();
	}

	/**
	 * Reads a request body that must be one JSON object; refusals name the offending
	 * field where there is one.
	 */
	ObjectNode readObject(byte[] body) {
		JsonNode tree;
		try {
			tree = this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			throw new ManagementProblem(400, "Bad Request", "The body is not valid JSON: " + ex.getOriginalMessage(),
					List.of(new FieldError(fieldOf(ex), "not valid JSON here: " + ex.getOriginalMessage())));
		}
		if (tree == null || tree.isMissingNode()) {
			throw new ManagementProblem(400, "Bad Request", "A JSON object is required as the body");
		}
		if (!(tree instanceof ObjectNode object)) {
			throw new ManagementProblem(400, "Bad Request", "The body must be a JSON object");
		}
		List<FieldError> placeholders = new ArrayList<>();
		placeholders(object, "", placeholders);
		if (!placeholders.isEmpty()) {
			throw ManagementProblem.invalid(placeholders);
		}
		return object;
	}

	/** A stored document (written by a codec) as a tree. */
	JsonNode readStored(String json) {
		return this.mapper.readTree(json);
	}

	String write(Object value) {
		return this.mapper.writeValueAsString(value);
	}

	String writeYaml(Object value) {
		return this.yaml.writeValueAsString(value);
	}

	ObjectNode object() {
		return this.mapper.createObjectNode();
	}

	/**
	 * Values that could be taken for a SpEL template or a property placeholder are
	 * refused wherever they appear (keys too), whatever the codec would do with them.
	 */
	static void placeholders(JsonNode node, String path, List<FieldError> into) {
		if (node.isString()) {
			if (isPlaceholder(node.stringValue())) {
				into.add(new FieldError(path, "must not contain '#{' or '${'"));
			}
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				placeholders(node.get(i), path + "[" + i + "]", into);
			}
		}
		else if (node.isObject()) {
			for (Map.Entry<String, JsonNode> e : node.properties()) {
				String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
				if (isPlaceholder(e.getKey())) {
					into.add(new FieldError(child, "field names must not contain '#{' or '${'"));
				}
				placeholders(e.getValue(), child, into);
			}
		}
	}

	private static boolean isPlaceholder(String s) {
		return s.contains("#{") || s.contains("${");
	}

	/** The field a parse error concerns, as {@code auth.scopes[1]}; empty when none. */
	private static String fieldOf(JacksonException ex) {
		if (!(ex.processor() instanceof JsonParser parser)) {
			return "";
		}
		try {
			return dotted(parser.streamReadContext().pathAsPointer());
		}
		catch (RuntimeException notAvailable) {
			return "";
		}
	}

	static String dotted(JsonPointer pointer) {
		StringBuilder sb = new StringBuilder();
		for (JsonPointer p = pointer; p != null && !p.matches(); p = p.tail()) {
			if (p.getMatchingIndex() >= 0) {
				sb.append('[').append(p.getMatchingIndex()).append(']');
			}
			else {
				if (!sb.isEmpty()) {
					sb.append('.');
				}
				sb.append(p.getMatchingProperty());
			}
		}
		return sb.toString();
	}

}
