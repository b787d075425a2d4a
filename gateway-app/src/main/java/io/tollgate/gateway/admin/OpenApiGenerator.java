package io.tollgate.gateway.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

import io.tollgate.gateway.admin.AdminViews.Problem;

/**
 * The OpenAPI 3 document of the Admin API, built from the routes it serves
 * ({@link RouteTable}) and the records they read and write (schemas by swagger-core's
 * model converters). A route without an {@link AdminOperation} fails the start: nothing
 * is served undocumented.
 */
final class OpenApiGenerator {

	private static final Pattern PATH_VARIABLE = Pattern.compile("\\{(\\w+)}");

	private static final String BEARER = "bearer";

	private final Components components = new Components();

	private OpenApiGenerator() {
	}

	static String generate(List<RouteTable.Route> routes) {
		return new OpenApiGenerator().document(routes);
	}

	private String document(List<RouteTable.Route> routes) {
		this.components.addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP)
			.scheme("bearer")
			.bearerFormat("JWT")
			.description("A JWT from the configured resource server (spring.security.oauth2.resourceserver.jwt.*). "
					+ "Scope tollgate:admin:read may read (GET); tollgate:admin may do everything."));
		Paths paths = new Paths();
		Map<String, PathItem> items = new LinkedHashMap<>();
		for (RouteTable.Route route : routes) {
			if (route.operation() == null) {
				throw new IllegalStateException(
						"Admin API route " + route.method() + " " + route.path() + " has no OpenAPI operation");
			}
			PathItem item = items.computeIfAbsent(route.path(), p -> new PathItem());
			item.operation(PathItem.HttpMethod.valueOf(route.method().name()), operation(route));
		}
		items.forEach(paths::addPathItem);
		OpenAPI api = new OpenAPI()
			.info(new Info().title("Tollgate Admin API")
				.version("v1")
				.description("Plans, consumers, API keys and managed APIs of a Tollgate gateway cluster. "
						+ "Served on the management port only."))
			.paths(paths)
			.components(this.components)
			.addSecurityItem(new SecurityRequirement().addList(BEARER));
		return Json.pretty(api);
	}

	private Operation operation(RouteTable.Route route) {
		AdminOperation op = route.operation();
		AdminScope scope = AdminScope.forMethod(route.method());
		Operation operation = new Operation().operationId(op.id)
			.summary(op.summary)
			.description(op.summary + ". Needs scope " + scope.scope()
					+ (scope == AdminScope.READ ? " (or tollgate:admin)." : "."))
			.addTagsItem(op.tag)
			.addSecurityItem(new SecurityRequirement().addList(BEARER));
		operation.addExtension("x-required-scope", scope.scope());
		Matcher variables = PATH_VARIABLE.matcher(route.path());
		while (variables.find()) {
			String name = variables.group(1);
			operation.addParametersItem(new Parameter().in("path")
				.name(name)
				.required(true)
				.schema(new StringSchema()
					.pattern(name.equals("keyId") ? AdminRequests.KEY_ID.pattern() : AdminRequests.ID.pattern())));
		}
		for (AdminOperation.Param p : op.params) {
			operation.addParametersItem(new Parameter().in(p.in())
				.name(p.name())
				.required(false)
				.description(p.description())
				.schema(new Schema<>().type(p.type())));
		}
		if (op.body != null) {
			operation.requestBody(new RequestBody().required(op.body.required())
				.content(content(op.body.type(), op.body.mediaTypes())));
		}
		ApiResponses responses = new ApiResponses();
		for (AdminOperation.Reply reply : op.replies) {
			responses.addApiResponse(String.valueOf(reply.status()), response(reply));
		}
		responses.addApiResponse("401", problem("No token, or not a valid one"));
		responses.addApiResponse("403", problem("The token lacks " + scope.scope()));
		responses.addApiResponse("503", problem("No JWT validation configured, or a service the call needs is "
				+ "not available (the problem names the property to set)"));
		operation.responses(responses);
		return operation;
	}

	private ApiResponse response(AdminOperation.Reply reply) {
		ApiResponse response = new ApiResponse().description(reply.description());
		if (reply.type() != null) {
			response.content(content(reply.type(), reply.mediaTypes()));
		}
		for (String header : reply.headers()) {
			response.addHeaderObject(header, new Header().schema(new StringSchema()));
		}
		return response;
	}

	private ApiResponse problem(String description) {
		return new ApiResponse().description(description)
			.content(content(Problem.class, List.of("application/problem+json")));
	}

	private Content content(Class<?> type, List<String> mediaTypes) {
		Schema<?> schema = schema(type);
		Content content = new Content();
		for (String mediaType : mediaTypes) {
			content.addMediaType(mediaType, new MediaType().schema(schema));
		}
		return content;
	}

	@SuppressWarnings("rawtypes")
	private Schema<?> schema(Class<?> type) {
		if (type == Object.class) {
			return new ObjectSchema().description("A resource document; see the README for its fields");
		}
		Map<String, Schema> models = ModelConverters.getInstance().readAll(new AnnotatedType(type));
		models.forEach(this.components::addSchemas);
		String name = models.containsKey(type.getSimpleName()) ? type.getSimpleName() : null;
		if (name == null) {
			throw new IllegalStateException("No schema for " + type.getName());
		}
		return new Schema<>().$ref("#/components/schemas/" + name);
	}

}
