package io.tollgate.testsupport.redis;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisExtensionStandaloneTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@BeforeEach
	void clean() {
		redis.flushAll();
	}

	@Test
	void whenRegistered_thenOwnServerOnFreeLoopbackPortAnswersPing() throws Exception {
		assertThat(redis.isCluster()).isFalse();
		assertThat(redis.host()).isEqualTo("127.0.0.1");
		assertThat(redis.port()).isNotEqualTo(6379);
		assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
		assertThat(redis.clusterNodes()).containsExactly("127.0.0.1:" + redis.port());
		assertThat(redis.springProperties()).containsExactly(java.util.Map.entry("spring.data.redis.url", redis.url()));
		assertThat(redis.command(redis.port(), "PING")).isEqualTo("PONG");
		assertThat(redis.describe()).contains("redis-server process");
	}

	@Test
	void whenStoppedThenStarted_thenPortRefusesMeanwhileAndServesAgainWithDataGone() throws Exception {
		redis.command(redis.port(), "SET", "k", "v");
		assertThat(redis.command(redis.port(), "GET", "k")).isEqualTo("v");

		redis.stop();
		assertThat(Resp.refuses("127.0.0.1", redis.port())).isTrue();
		assertThatThrownBy(() -> redis.command(redis.port(), "PING")).isInstanceOf(java.io.IOException.class);

		redis.start();
		assertThat(redis.command(redis.port(), "PING")).isEqualTo("PONG");
		assertThat(redis.command(redis.port(), "GET", "k")).isNull();
	}

	@Test
	void whenFlushAll_thenKeysAreGone() throws Exception {
		redis.command(redis.port(), "SET", "a", "1");
		redis.command(redis.port(), "SET", "b", "2");
		assertThat(redis.command(redis.port(), "DBSIZE")).isEqualTo(2L);

		redis.flushAll();

		assertThat(redis.command(redis.port(), "DBSIZE")).isEqualTo(0L);
	}

	@Test
	void whenUsedProgrammatically_thenSeveralServersCoexistAndCloseKillsThem() throws Exception {
		int port;
		try (RedisExtension second = RedisExtension.standalone().startNow()) {
			port = second.port();
			assertThat(port).isNotEqualTo(redis.port());
			second.command(port, "SET", "only-here", "x");
			assertThat(redis.command(redis.port(), "GET", "only-here")).isNull();
			assertThat(second.command(port, "GET", "only-here")).isEqualTo("x");
		}
		assertThat(Resp.refuses("127.0.0.1", port)).isTrue();
	}

	@Test
	void whenNotStarted_thenAccessorsSaySo() {
		RedisExtension notStarted = RedisExtension.standalone();
		assertThatThrownBy(notStarted::url).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("startNow()");
	}

	@Test
	void whenCommandIsWrong_thenErrorReplySurfaces() {
		assertThatThrownBy(() -> redis.command(redis.port(), "NOSUCHCOMMAND")).isInstanceOf(Resp.ErrorReply.class)
			.hasMessageContaining("unknown command");
	}

}
