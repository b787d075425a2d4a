package io.tollgate.gateway.deploy;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every manifest under {@code deploy/kubernetes} parses into fabric8's typed Kubernetes
 * objects with no field left over (a typo or an unknown field fails), every Kustomization
 * names files that exist, and the Deployment agrees with the application's own
 * configuration: probe paths and ports, the ports of the Services and the NetworkPolicy,
 * the environment variables' properties, a grace period covering the drain, and selectors
 * that select the pods.
 */
class KubernetesManifestsTest {

	private static final Path ROOT = Path.of("..", "deploy", "kubernetes");

	private static final KubernetesSerialization serialization = new KubernetesSerialization();

	private static final Map<Path, List<HasMetadata>> manifests = new LinkedHashMap<>();

	private static Deployment deployment;

	private static Container gateway;

	private static Binder app;

	@BeforeAll
	static void parseAll() throws IOException {
		try (Stream<Path> files = Files.walk(ROOT)) {
			for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
				if (file.getFileName().toString().equals("kustomization.yaml")) {
					continue;
				}
				List<HasMetadata> objects = new ArrayList<>();
				for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
					if (document.isBlank()) {
						continue;
					}
					Object parsed = serialization.unmarshal(document);
					assertThat(parsed).as(file + ": a known Kubernetes kind").isInstanceOf(HasMetadata.class);
					assertThat(parsed).as(file + ": a typed kind, not a generic one (typo in apiVersion or kind?)")
						.isNotInstanceOf(GenericKubernetesResource.class);
					objects.add((HasMetadata) parsed);
				}
				manifests.put(file, objects);
			}
		}
		deployment = only(ROOT.resolve("base/deployment.yaml"), Deployment.class);
		gateway = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
		app = applicationConfiguration();
	}

	@Test
	void everyManifestIsTypedWithoutUnknownFields() {
		assertThat(manifests).isNotEmpty();
		manifests.forEach((file, objects) -> {
			boolean patch = file.getFileName().toString().endsWith("-patch.yaml");
			for (HasMetadata object : objects) {
				List<String> unknown = new ArrayList<>();
				unknownFields(object, object.getKind(), unknown, new IdentityHashMap<>(), patch);
				assertThat(unknown).as(file + ": fields fabric8's model does not know").isEmpty();
			}
		});
	}

	@Test
	void everyKustomizationNamesExistingFilesAndOnlyKnownFields() throws IOException {
		JsonMapper json = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
		try (Stream<Path> files = Files.walk(ROOT)) {
			List<Path> kustomizations = files.filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
				.toList();
			assertThat(kustomizations).hasSize(2);
			for (Path file : kustomizations) {
				Object tree = new Yaml().load(Files.readString(file));
				Kustomization k = json.convertValue(tree, Kustomization.class);
				assertThat(k.kind()).isEqualTo("Kustomization");
				assertThat(k.apiVersion()).isEqualTo("kustomize.config.k8s.io/v1beta1");
				for (String resource : k.resources()) {
					assertThat(file.getParent().resolve(resource)).as(file + " -> " + resource).exists();
				}
				if (k.patches() != null) {
					for (Map<String, Object> patch : k.patches()) {
						assertThat(file.getParent().resolve((String) patch.get("path"))).exists();
					}
				}
				try (Stream<Path> siblings = Files.list(file.getParent())) {
					siblings.filter(f -> f.toString().endsWith(".yaml") && !f.equals(file))
						.forEach(f -> assertThat(k.resources().contains(f.getFileName().toString())
								|| k.patches().stream().anyMatch(p -> f.getFileName().toString().equals(p.get("path"))))
							.as(f + " is used by " + file)
							.isTrue());
				}
			}
		}
	}

	@Test
	void probesUseTheManagementPortsProbeGroups() {
		int managementPort = app.bind("management.server.port", Integer.class).get();
		String basePath = app.bind("management.endpoints.web.base-path", String.class).orElse("/actuator");
		assertThat(app.bind("management.endpoint.health.probes.enabled", Boolean.class).get()).isTrue();
		assertThat(app.bind("management.server.address", String.class).get())
			.as("the kubelet reaches the pod address, not loopback")
			.isEqualTo("0.0.0.0");
		assertThat(port(gateway, "management")).isEqualTo(managementPort);
		assertThat(port(gateway, "http")).isEqualTo(app.bind("server.port", Integer.class).get());

		assertProbe(gateway.getReadinessProbe(), basePath + "/health/readiness");
		assertProbe(gateway.getLivenessProbe(), basePath + "/health/liveness");
		assertProbe(gateway.getStartupProbe(), basePath + "/health/liveness");
		assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
			.containsEntry("prometheus.io/port", String.valueOf(managementPort))
			.containsEntry("prometheus.io/path", basePath + "/prometheus");
	}

	@Test
	void theGracePeriodCoversPreStopDrainAndTheShutdownPhases() {
		long preStop = gateway.getLifecycle().getPreStop().getSleep().getSeconds();
		Duration drain = app.bind("tollgate.lifecycle.drain-delay", Duration.class).get();
		Duration phase = app.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class).get();
		long grace = deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
		assertThat(preStop).as("the endpoints controller needs a moment").isPositive();
		assertThat(grace).as("preStop + drain-delay + in-flight requests + 5 s for the rest")
			.isGreaterThanOrEqualTo(preStop + drain.toSeconds() + phase.toSeconds() + 5);
	}

	@Test
	void theContainerIsSizedHardenedAndGetsItsSecretsByReference() {
		assertThat(gateway.getResources().getLimits()).containsKey("memory");
		assertThat(gateway.getResources().getRequests()).containsKeys("cpu", "memory");
		assertThat(env("JAVA_TOOL_OPTIONS").getValue()).contains("-XX:MaxRAMPercentage=")
			.contains("-XX:MaxDirectMemorySize=");
		assertThat(gateway.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
		assertThat(gateway.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
		assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
		assertThat(gateway.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/tmp"));
		assertThat(env("TOLLGATE_APIKEYS_SECRET").getValueFrom().getSecretKeyRef().getName())
			.isEqualTo("tollgate-secrets");
		assertThat(env("SPRING_DATA_REDIS_PASSWORD").getValueFrom().getSecretKeyRef().getName())
			.isEqualTo("tollgate-secrets");
		assertThat(gateway.getEnv()).as("no secret value in the manifests")
			.noneMatch(e -> e.getName().contains("SECRET") && e.getValue() != null)
			.noneMatch(e -> e.getName().contains("PASSWORD") && e.getValue() != null);
	}

	@Test
	void everyEnvironmentVariableSetsAPropertyTheApplicationReads() {
		Map<String, Object> env = new LinkedHashMap<>();
		gateway.getEnv().forEach(e -> env.put(e.getName(), e.getValue() == null ? "from-a-reference" : e.getValue()));
		StandardEnvironment environment = new StandardEnvironment();
		MutablePropertySources sources = environment.getPropertySources();
		sources.forEach(s -> sources.remove(s.getName()));
		sources.addFirst(
				new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
		ConfigurationPropertySources.attach(environment);
		Binder binder = Binder.get(environment);
		for (String property : List.of("management.server.address", "spring.config.additional-location",
				"tollgate.replica.id", "tollgate.lifecycle.drain-delay", "spring.lifecycle.timeout-per-shutdown-phase",
				"spring.data.redis.url", "spring.data.redis.password", "tollgate.api-keys.secret")) {
			assertThat(binder.bind(property, String.class).isBound()).as(property + " from the Deployment").isTrue();
		}
		assertThat(binder.bind("spring.config.additional-location", String.class).get())
			.isEqualTo("file:" + gateway.getVolumeMounts()
				.stream()
				.filter(m -> m.getName().equals("config"))
				.findFirst()
				.orElseThrow()
				.getMountPath() + "/");
	}

	@Test
	void servicesNetworkPolicyHpaAndPdbSelectTheGatewayPods() {
		Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
		assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());

		Service data = only(ROOT.resolve("base/service.yaml"), Service.class);
		assertThat(podLabels).containsAllEntriesOf(data.getSpec().getSelector());
		assertThat(data.getSpec().getType()).isEqualTo("ClusterIP");
		assertThat(data.getSpec().getPorts()).singleElement()
			.satisfies(p -> assertThat(p.getTargetPort()).isEqualTo(new IntOrString("http")));

		Service management = only(ROOT.resolve("base/service-management.yaml"), Service.class);
		assertThat(management.getSpec().getClusterIP()).as("headless, inside the cluster only").isEqualTo("None");
		assertThat(podLabels).containsAllEntriesOf(management.getSpec().getSelector());

		NetworkPolicy policy = only(ROOT.resolve("base/networkpolicy.yaml"), NetworkPolicy.class);
		assertThat(podLabels).containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
		for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
			boolean management8081 = rule.getPorts()
				.stream()
				.anyMatch(p -> p.getPort().equals(new IntOrString("management")));
			if (management8081) {
				assertThat(rule.getFrom()).as("the management port only from named namespaces").isNotEmpty();
				assertThat(rule.getFrom()).allSatisfy(peer -> assertThat(peer.getNamespaceSelector()).isNotNull());
			}
		}
		assertThat(policy.getSpec().getIngress()).as("no rule opens every port")
			.allSatisfy(rule -> assertThat(rule.getPorts()).isNotEmpty());

		HorizontalPodAutoscaler hpa = only(ROOT.resolve("base/hpa.yaml"), HorizontalPodAutoscaler.class);
		assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
		assertThat(hpa.getSpec().getMetrics()).anyMatch(m -> m.getResource().getName().equals("cpu"));
		assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);

		PodDisruptionBudget pdb = only(ROOT.resolve("base/pdb.yaml"), PodDisruptionBudget.class);
		assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
	}

	@Test
	void theRoutesConfigMapIsMountedAndReadable() {
		ConfigMap config = only(ROOT.resolve("base/configmap.yaml"), ConfigMap.class);
		assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes()).anyMatch(
				v -> v.getConfigMap() != null && v.getConfigMap().getName().equals(config.getMetadata().getName()));
		Binder routes = Binder.get(environment(yaml("tollgate.yml", config.getData().get("tollgate.yml"))));
		assertThat(routes.bind("spring.cloud.gateway.server.webflux.routes[0].id", String.class).get())
			.isEqualTo("status");
	}

	private static void assertProbe(Probe probe, String path) {
		assertThat(probe).isNotNull();
		assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
		assertThat(probe.getHttpGet().getPort()).isEqualTo(new IntOrString("management"));
	}

	private static int port(Container container, String name) {
		return container.getPorts()
			.stream()
			.filter(p -> name.equals(p.getName()))
			.map(ContainerPort::getContainerPort)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no container port " + name));
	}

	private static EnvVar env(String name) {
		return gateway.getEnv()
			.stream()
			.filter(e -> e.getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no env " + name));
	}

	private static <T> T only(Path file, Class<T> type) {
		List<HasMetadata> objects = manifests.get(file);
		assertThat(objects).as(file.toString()).singleElement().isInstanceOf(type);
		return type.cast(objects.get(0));
	}

	/**
	 * What the gateway in the pod binds: the shipped application.yml, the ConfigMap's
	 * file, then the Deployment's plain environment variables on top.
	 */
	private static Binder applicationConfiguration() throws IOException {
		List<PropertySource<?>> sources = new ArrayList<>();
		Map<String, Object> env = new LinkedHashMap<>();
		gateway.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
		sources
			.add(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
		ConfigMap config = only(ROOT.resolve("base/configmap.yaml"), ConfigMap.class);
		sources.addAll(yaml("tollgate.yml", config.getData().get("tollgate.yml")));
		sources
			.addAll(new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml")));
		return Binder.get(environment(sources));
	}

	private static StandardEnvironment environment(List<? extends PropertySource<?>> sources) {
		StandardEnvironment environment = new StandardEnvironment();
		MutablePropertySources all = environment.getPropertySources();
		all.forEach(s -> all.remove(s.getName()));
		sources.forEach(all::addLast);
		ConfigurationPropertySources.attach(environment);
		return environment;
	}

	private static List<PropertySource<?>> yaml(String name, String text) {
		try {
			return new YamlPropertySourceLoader().load(name, new ByteArrayResource(text.getBytes()));
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
	}

	/**
	 * Fields fabric8 kept aside because its model has no such field, at any depth.
	 * Strategic-merge patches may carry {@code $patch} directives.
	 */
	private static void unknownFields(Object value, String path, List<String> unknown, Map<Object, Boolean> seen,
			boolean patch) {
		if (value == null || seen.put(value, Boolean.TRUE) != null) {
			return;
		}
		if (value instanceof Collection<?> items) {
			int i = 0;
			for (Object item : items) {
				unknownFields(item, path + "[" + i++ + "]", unknown, seen, patch);
			}
			return;
		}
		if (value instanceof Map<?, ?> map) {
			map.forEach((k, v) -> unknownFields(v, path + "." + k, unknown, seen, patch));
			return;
		}
		if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
			return;
		}
		for (Method getter : value.getClass().getMethods()) {
			if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
					|| !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
				continue;
			}
			try {
				Object field = getter.invoke(value);
				if (getter.getName().equals("getAdditionalProperties")) {
					Map<?, ?> extra = (Map<?, ?>) field;
					if (extra != null) {
						extra.keySet()
							.stream()
							.filter(k -> !(patch && "$patch".equals(k)))
							.forEach(k -> unknown.add(path + "." + k));
					}
				}
				else {
					unknownFields(field, path + "." + getter.getName().substring(3), unknown, seen, patch);
				}
			}
			catch (ReflectiveOperationException ex) {
				throw new AssertionError(ex);
			}
		}
	}

	/** The fields of a Kustomization these files may use; anything else fails. */
	record Kustomization(String apiVersion, String kind, String namespace, List<String> resources,
			List<Map<String, Object>> images, List<Map<String, Object>> patches, List<Map<String, Object>> labels) {
	}

}
