package io.execution.codec;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.BufferRecycler;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.core.util.RecyclerPool;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jackson's buffers for the codec: one per platform thread, and the application's own pool for
 * virtual threads. Jackson 3's default pool is one concurrent deque that every thread polls and
 * offers to twice a call (a generator and a parser): under 16 callers and their workers it was
 * 5 to 13 % of the CPU samples of a call, its head and tail bouncing between cores. A platform
 * thread keeps its own buffers instead, as Jackson 2 always did; a virtual thread, which would
 * allocate fresh ones every time, keeps the shared pool.
 */
final class CodecBuffers implements RecyclerPool<BufferRecycler> {

	private static final long serialVersionUID = 1L;

	/** {@code Thread.isVirtual()} from Java 21; {@code null} before, where every thread is a platform one. */
	private static final MethodHandle IS_VIRTUAL = isVirtual();

	private final transient RecyclerPool<BufferRecycler> perThread = JsonRecyclerPools.threadLocalPool();

	private final transient RecyclerPool<BufferRecycler> shared;

	private CodecBuffers(RecyclerPool<BufferRecycler> shared) {
		this.shared = shared;
	}

	/**
	 * The application's mapper, its configuration as it is (modules, features, constraints), over
	 * a token factory that keeps a thread's buffers with the thread.
	 * @param application the application's mapper
	 * @return the codec's mapper; the application's own when it is a subclass, which a copy would
	 * lose, or already uses these buffers
	 */
	static JsonMapper mapper(JsonMapper application) {
		JsonFactory factory = application.tokenStreamFactory();
		if (application.getClass() != JsonMapper.class || factory._getRecyclerPool() instanceof CodecBuffers) {
			return application;
		}
		JsonFactory pooled = factory.rebuild().recyclerPool(new CodecBuffers(factory._getRecyclerPool())).build();
		return new Rebuilt(application, pooled).build();
	}

	@Override
	public BufferRecycler acquirePooled() {
		return pool().acquirePooled();
	}

	@Override
	public BufferRecycler acquireAndLinkPooled() {
		return pool().acquireAndLinkPooled();
	}

	@Override
	public void releasePooled(BufferRecycler recycler) {
		pool().releasePooled(recycler);
	}

	private RecyclerPool<BufferRecycler> pool() {
		return virtual() ? this.shared : this.perThread;
	}

	private static boolean virtual() {
		if (IS_VIRTUAL == null) {
			return false;
		}
		try {
			return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
		}
		catch (Throwable ex) {
			return false;
		}
	}

	private static MethodHandle isVirtual() {
		try {
			return MethodHandles.publicLookup()
				.findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
		}
		catch (ReflectiveOperationException ex) {
			return null;
		}
	}

	/** A builder holding the application's mapper's state, over another token factory. */
	private static final class Rebuilt extends JsonMapper.Builder {

		Rebuilt(JsonMapper application, JsonFactory factory) {
			super(new JsonMapper.Builder.StateImpl(application.rebuild()));
			this._streamFactory = factory;
		}

	}

}
