package io.execution.it;

import io.execution.ExecutionClient;
import io.execution.ExecutionService;

/** Two services on two pools, each telling which thread ran it. */
final class Pools {

	private Pools() {
	}

	@ExecutionClient("alpha")
	public interface Alpha {

		String where();

	}

	@ExecutionClient("beta")
	public interface Beta {

		String where();

	}

	@ExecutionService
	static class AlphaService implements Alpha {

		@Override
		public String where() {
			return Thread.currentThread().getName();
		}

	}

	@ExecutionService
	static class BetaService implements Beta {

		@Override
		public String where() {
			return Thread.currentThread().getName();
		}

	}

}
