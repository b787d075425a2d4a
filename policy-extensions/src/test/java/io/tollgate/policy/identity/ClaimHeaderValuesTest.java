package io.tollgate.policy.identity;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClaimHeaderValuesTest {

	@Test
	void whenValueIsPlainPrintableAscii_thenSentAsItIs() {
		assertThat(ClaimHeaderValues.encode(List.of("alice"))).isEqualTo("alice");
		assertThat(ClaimHeaderValues.encode(List.of("a b"))).isEqualTo("a b");
		assertThat(ClaimHeaderValues.encode(List.of("50%", "x\"y\\z"))).isEqualTo("50%,x\"y\\z");
	}

	@Test
	void whenValueCannotTravelAsItIs_thenRfc8187Encoded() {
		assertThat(ClaimHeaderValues.encode(List.of(" cb1"))).isEqualTo("UTF-8''%20cb1");
		assertThat(ClaimHeaderValues.encode(List.of("cb1 "))).isEqualTo("UTF-8''cb1%20");
		assertThat(ClaimHeaderValues.encode(List.of("victimx\u0000"))).isEqualTo("UTF-8''victimx%00");
		assertThat(ClaimHeaderValues.encode(List.of("victimx\u007f"))).isEqualTo("UTF-8''victimx%7F");
		assertThat(ClaimHeaderValues.encode(List.of("victim\u4e00"))).isEqualTo("UTF-8''victim%E4%B8%80");
		assertThat(ClaimHeaderValues.encode(List.of("caf\u00e9"))).isEqualTo("UTF-8''caf%C3%A9");
		assertThat(ClaimHeaderValues.encode(List.of("a,b"))).isEqualTo("UTF-8''a%2Cb");
		assertThat(ClaimHeaderValues.encode(List.of(""))).isEqualTo("UTF-8''");
		assertThat(ClaimHeaderValues.encode(List.of("UTF-8''x"))).isEqualTo("UTF-8''UTF-8%27%27x");
		assertThat(ClaimHeaderValues.encode(List.of("utf-8''x"))).startsWith("UTF-8''");
	}

	@Test
	void whenValuesDiffer_thenHeadersDiffer_andDecodeBack() {
		List<List<String>> claims = List.of(List.of("victimx"), List.of("victimx\t"), List.of("victimx\u0000"),
				List.of("victimx\u007f"), List.of("victimx\r\n"), List.of("victim\u4e00"), List.of("victim\u4e01"),
				List.of("victim?"), List.of(" cb1"), List.of("cb1"), List.of("%20cb1"), List.of("UTF-8''%20cb1"),
				List.of("a,b"), List.of("a", "b"), List.of("a", "", "b"), List.of(""), List.of("", ""),
				List.of("\ud83d\ude00"));
		Set<String> headers = new HashSet<>();
		for (List<String> values : claims) {
			String header = ClaimHeaderValues.encode(values);
			assertThat(headers.add(header)).as("%s as %s", values, header).isTrue();
			assertThat(ClaimHeaderValues.decode(header)).as(header).isEqualTo(values);
			assertThat(header.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)).as(header).isTrue();
			assertThat(header).doesNotStartWith(" ").doesNotEndWith(" ");
		}
	}

	@Test
	void whenValueHasALoneSurrogate_thenNoHeaderCanCarryIt() {
		assertThat(ClaimHeaderValues.encode(List.of("a\ud800"))).isNull();
		assertThat(ClaimHeaderValues.encode(List.of("ok", "\udc00b"))).isNull();
	}

	@Test
	void whenEncodedValueIsBroken_thenDecodeRefuses() {
		assertThatThrownBy(() -> ClaimHeaderValues.decode("UTF-8''%4")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> ClaimHeaderValues.decode("UTF-8''%zz")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> ClaimHeaderValues.decode("UTF-8''%FF")).isInstanceOf(IllegalArgumentException.class);
	}

}
