package io.execution.cache;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.execution.CacheResult;
import io.execution.ExecutionClient;

/** Exchange rates, whose results are cached. */
@ExecutionClient("rates")
public interface Rates {

	@CacheResult(ttl = "1h")
	Quote rate(String from, String to);

	@CacheResult(ttl = "150ms")
	Quote shortLived(String from);

	@CacheResult(ttl = "1h")
	Quote slow(String from, long millis);

	@CacheResult(ttl = "1h")
	Quote flaky(String from);

	@CacheResult(ttl = "1h")
	CompletableFuture<Quote> rateAsync(String from, String to);

	Quote uncached(String from);

	record Quote(String pair, double rate, List<String> sources) {
	}

}
