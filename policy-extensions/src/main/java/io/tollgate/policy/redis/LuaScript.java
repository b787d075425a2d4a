package io.tollgate.policy.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * One of Tollgate's Lua scripts ({@code redis/lua/<name>.lua}, packaged under
 * {@code META-INF/tollgate/lua/}), read once. Declared as a bean per script, so
 * {@link RedisStoreLifecycle} can load every script into Redis before traffic arrives;
 * calls go through {@link RedisExecutor}, which sends {@code EVALSHA} and falls back to
 * {@code EVAL}.
 *
 * @param name the script's file name without {@code .lua}
 * @param script the script with its SHA-1 computed once (a resource-backed script would
 * check the resource's modification time on every call, i.e. on every request)
 */
@SuppressWarnings("rawtypes")
public record LuaScript(String name, RedisScript<List> script) {

	/** Where the scripts are packaged. */
	public static final String LOCATION = "META-INF/tollgate/lua/";

	public static LuaScript load(String name) {
		String location = LOCATION + name + ".lua";
		try {
			String text = new ClassPathResource(location).getContentAsString(StandardCharsets.UTF_8);
			return new LuaScript(name, RedisScript.of(text, List.class));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + location + " from the classpath", ex);
		}
	}

	@Override
	public String toString() {
		return "LuaScript[" + this.name + "]";
	}

}
