package dev.imageworker.imaging.vips;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Hand-written FFM downcalls into {@code libvips.so.42}: only the calls the engine makes,
 * each variadic one bound to the exact optional arguments it is called with (C varargs
 * need one handle per call shape).
 */
final class Vips {

	static final String LIBRARY = "libvips.so.42";

	/** {@code VIPS_SIZE_DOWN}: never upscale. */
	static final int SIZE_DOWN = 2;

	/**
	 * {@code VIPS_FAIL_ON_WARNING}: fail on truncated or damaged data, not only errors.
	 */
	static final int FAIL_ON_WARNING = 3;

	/** {@code VIPS_ACCESS_SEQUENTIAL}: decode top to bottom, keeping only a few lines. */
	static final int ACCESS_SEQUENTIAL = 1;

	/** {@code VIPS_KERNEL_CUBIC}: Catmull-Rom, the kernel of Pillow's BICUBIC. */
	static final int KERNEL_CUBIC = 2;

	/** {@code VIPS_INTERPRETATION_CMYK}. */
	static final int INTERPRETATION_CMYK = 15;

	/** {@code VIPS_INTERPRETATION_sRGB}. */
	static final int INTERPRETATION_SRGB = 22;

	/**
	 * The only loaders left to run, those of the formats the engine hands to libvips;
	 * every other one (SVG with its external references, PDF, ImageMagick's hundred
	 * formats...) is blocked. Before 8.15.1 libvips' loader search still runs a blocked
	 * loader's sniffer and may name it, but refuses to build it. Those this build lacks
	 * (HEIF is an optional module) are skipped.
	 */
	static final List<String> ALLOWED_LOADERS = List.of("VipsForeignLoadJpegBuffer", "VipsForeignLoadPngBuffer",
			"VipsForeignLoadWebpBuffer", "VipsForeignLoadNsgifBuffer", "VipsForeignLoadTiffBuffer",
			"VipsForeignLoadHeifBuffer");

	/**
	 * {@code G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG}.
	 */
	private static final int G_LOG_LEVELS_BELOW_ERROR = 16 | 32 | 64 | 128;

	private static final Logger logger = LoggerFactory.getLogger(Vips.class);

	private static final Linker LINKER = Linker.nativeLinker();

	private final List<String> loaders;

	private final MethodHandle foreignFindLoadBuffer;

	private final MethodHandle imageNewFromBuffer;

	private final MethodHandle imageGetWidth;

	private final MethodHandle imageGetHeight;

	private final MethodHandle imageGetTypeof;

	private final MethodHandle imageGetInterpretation;

	private final MethodHandle imageHasAlpha;

	private final MethodHandle imageCopyMemory;

	private final MethodHandle imageSetKill;

	private final MethodHandle thumbnailBuffer;

	private final MethodHandle jpegloadBuffer;

	private final MethodHandle resize;

	private final MethodHandle iccTransform;

	private final MethodHandle autorot;

	private final MethodHandle colourspace;

	private final MethodHandle flatten;

	private final MethodHandle arrayDoubleNew;

	private final MethodHandle areaUnref;

	private final MethodHandle jpegsaveBuffer;

	private final MethodHandle errorBuffer;

	private final MethodHandle errorClear;

	private final MethodHandle objectRef;

	private final MethodHandle objectUnref;

	private final MethodHandle free;

	private Vips(SymbolLookup lib, List<String> loaders) {
		this.loaders = List.copyOf(loaders);
		this.foreignFindLoadBuffer = handle(lib, "vips_foreign_find_load_buffer",
				FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
		// (buf, len, option_string, NULL)
		this.imageNewFromBuffer = variadic(lib, "vips_image_new_from_buffer",
				FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS), 3);
		this.imageGetWidth = handle(lib, "vips_image_get_width", FunctionDescriptor.of(JAVA_INT, ADDRESS));
		this.imageGetHeight = handle(lib, "vips_image_get_height", FunctionDescriptor.of(JAVA_INT, ADDRESS));
		this.imageGetTypeof = handle(lib, "vips_image_get_typeof", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
		this.imageGetInterpretation = handle(lib, "vips_image_get_interpretation",
				FunctionDescriptor.of(JAVA_INT, ADDRESS));
		this.imageHasAlpha = handle(lib, "vips_image_hasalpha", FunctionDescriptor.of(JAVA_INT, ADDRESS));
		this.imageCopyMemory = handle(lib, "vips_image_copy_memory", FunctionDescriptor.of(ADDRESS, ADDRESS));
		this.imageSetKill = handle(lib, "vips_image_set_kill", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
		// (buf, len, &out, width, "height", h, "size", s, "no_rotate", b,
		// "export_profile",
		// p, "option_string", o, NULL)
		this.thumbnailBuffer = variadic(lib, "vips_thumbnail_buffer",
				FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
						JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS),
				4);
		// (buf, len, &out, "shrink", n, "fail_on", f, "access", a, NULL)
		this.jpegloadBuffer = variadic(lib, "vips_jpegload_buffer", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG,
				ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), 3);
		// (in, &out, hscale, "vscale", v, "kernel", k, "gap", g, NULL)
		this.resize = variadic(lib, "vips_resize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_DOUBLE,
				ADDRESS, JAVA_DOUBLE, ADDRESS, JAVA_INT, ADDRESS, JAVA_DOUBLE, ADDRESS), 3);
		// (in, &out, output_profile, "embedded", b, NULL)
		this.iccTransform = variadic(lib, "vips_icc_transform",
				FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS), 3);
		// (in, &out, NULL)
		this.autorot = variadic(lib, "vips_autorot", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), 2);
		// (in, &out, space, NULL)
		this.colourspace = variadic(lib, "vips_colourspace",
				FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS), 3);
		// (in, &out, "background", array, NULL)
		this.flatten = variadic(lib, "vips_flatten",
				FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS), 2);
		this.arrayDoubleNew = handle(lib, "vips_array_double_new", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
		this.areaUnref = handle(lib, "vips_area_unref", FunctionDescriptor.ofVoid(ADDRESS));
		// (in, &buf, &len, "Q", q, "strip", b, NULL)
		this.jpegsaveBuffer = variadic(lib, "vips_jpegsave_buffer", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS,
				ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), 3);
		this.errorBuffer = handle(lib, "vips_error_buffer", FunctionDescriptor.of(ADDRESS));
		this.errorClear = handle(lib, "vips_error_clear", FunctionDescriptor.ofVoid());
		this.objectRef = handle(lib, "g_object_ref", FunctionDescriptor.of(ADDRESS, ADDRESS));
		this.objectUnref = handle(lib, "g_object_unref", FunctionDescriptor.ofVoid(ADDRESS));
		this.free = handle(lib, "g_free", FunctionDescriptor.ofVoid(ADDRESS));
	}

	private static @Nullable Vips instance;

	private static @Nullable IllegalStateException failure;

	/**
	 * Loads and initialises libvips once per JVM; a failure is remembered, not retried.
	 * @throws IllegalStateException when the library is missing or does not start
	 */
	static synchronized Vips load() {
		IllegalStateException failed = failure;
		if (failed != null) {
			throw failed;
		}
		Vips vips = instance;
		if (vips == null) {
			try {
				vips = open();
			}
			catch (IllegalStateException ex) {
				failure = ex;
				throw ex;
			}
			instance = vips;
		}
		return vips;
	}

	private static Vips open() {
		SymbolLookup lib;
		try {
			lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(LIBRARY + " cannot be loaded: " + ex.getMessage(), ex);
		}
		return open(lib, ALLOWED_LOADERS);
	}

	/**
	 * Starts libvips from the library's symbols, with every loader blocked but the
	 * allowed ones this build has.
	 * @throws IllegalStateException when a symbol is missing or libvips does not start
	 */
	static Vips open(SymbolLookup lib, List<String> allowedLoaders) {
		// Looked up before libvips starts: without them every loader stays reachable, so
		// an older libvips must not start at all.
		MethodHandle blockUntrusted = blocking(lib, "vips_block_untrusted_set", FunctionDescriptor.ofVoid(JAVA_INT));
		MethodHandle blockOperation = blocking(lib, "vips_operation_block_set",
				FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
		MethodHandle typeFind = handle(lib, "vips_type_find", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
		List<String> loaders = new ArrayList<>();
		try (Arena arena = Arena.ofConfined()) {
			int status = (int) handle(lib, "vips_init", FunctionDescriptor.of(JAVA_INT, ADDRESS))
				.invokeExact(arena.allocateFrom("image-worker"));
			if (status != 0) {
				throw new IllegalStateException("vips_init failed");
			}
			// Blocked after vips_init, once the modules have registered their classes.
			// The untrusted operations include savers (ImageMagick's, JPEG XL's) that
			// blocking the loaders leaves alone; no allowed loader is one of them.
			blockUntrusted.invokeExact(1);
			blockOperation.invokeExact(arena.allocateFrom("VipsForeignLoad"), 1);
			MemorySegment operation = arena.allocateFrom("VipsOperation");
			for (String loader : allowedLoaders) {
				MemorySegment name = arena.allocateFrom(loader);
				if ((long) typeFind.invokeExact(operation, name) != 0) {
					blockOperation.invokeExact(name, 0);
					loaders.add(loader);
				}
			}
			logger.info("libvips reads only with {}", loaders);
			// The operation cache keys on the input buffer's address, which the next job
			// may reuse for different bytes; it would also keep decoded images alive.
			handle(lib, "vips_cache_set_max", FunctionDescriptor.ofVoid(JAVA_INT)).invokeExact(0);
			// The render pool already runs one job per core.
			handle(lib, "vips_concurrency_set", FunctionDescriptor.ofVoid(JAVA_INT)).invokeExact(1);
			// libvips warns on stderr (e.g. about odd EXIF in camera photos), which would
			// break structured container logs: route its warnings to SLF4J instead.
			MemorySegment handler = LINKER.upcallStub(
					MethodHandles.lookup()
						.findStatic(Vips.class, "log",
								MethodType.methodType(void.class, MemorySegment.class, int.class, MemorySegment.class,
										MemorySegment.class)),
					FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
			handle(lib, "g_log_set_handler", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS))
				.invoke(Arena.global().allocateFrom("VIPS"), G_LOG_LEVELS_BELOW_ERROR, handler, MemorySegment.NULL);
		}
		catch (IllegalStateException ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException("libvips did not start: " + ex, ex);
		}
		return new Vips(lib, loaders);
	}

	/**
	 * The GLib log handler (called from libvips' threads too). It must not throw: an
	 * exception escaping an upcall ends the JVM.
	 */
	private static void log(MemorySegment domain, int level, MemorySegment message, MemorySegment userData) {
		try {
			logger.debug("libvips: {}", message.reinterpret(Long.MAX_VALUE).getString(0));
		}
		catch (Throwable ex) {
			// Nothing sensible to do with a failure to log a warning.
		}
	}

	private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor descriptor) {
		return LINKER.downcallHandle(symbol(lib, name), descriptor);
	}

	private static MethodHandle variadic(SymbolLookup lib, String name, FunctionDescriptor descriptor,
			int firstVariadic) {
		return LINKER.downcallHandle(symbol(lib, name), descriptor, Linker.Option.firstVariadicArg(firstVariadic));
	}

	/** A call that blocks loaders, which libvips has from 8.13 on. */
	private static MethodHandle blocking(SymbolLookup lib, String name, FunctionDescriptor descriptor) {
		if (lib.find(name).isEmpty()) {
			throw new IllegalStateException(LIBRARY + " lacks " + name
					+ ": libvips 8.13 or later is needed to block the loaders of formats the worker refuses");
		}
		return handle(lib, name, descriptor);
	}

	private static MemorySegment symbol(SymbolLookup lib, String name) {
		return lib.find(name).orElseThrow(() -> new IllegalStateException(LIBRARY + " lacks " + name));
	}

	/** The allowed loaders this libvips has, the only ones it reads with. */
	List<String> loaders() {
		return this.loaders;
	}

	/**
	 * The loader libvips would pick for the data, e.g. {@code VipsForeignLoadJpegBuffer}.
	 */
	@Nullable String findLoader(MemorySegment buffer) {
		MemorySegment name = (MemorySegment) call(
				() -> (MemorySegment) this.foreignFindLoadBuffer.invokeExact(buffer, buffer.byteSize()));
		return name.equals(MemorySegment.NULL) ? null : name.reinterpret(Long.MAX_VALUE).getString(0);
	}

	/** A lazy image: only the header is read until pixels are asked for. */
	MemorySegment newFromBuffer(MemorySegment buffer, MemorySegment options) {
		return (MemorySegment) call(() -> (MemorySegment) this.imageNewFromBuffer.invokeExact(buffer, buffer.byteSize(),
				options, MemorySegment.NULL));
	}

	int width(MemorySegment image) {
		return (int) call(() -> (int) this.imageGetWidth.invokeExact(image));
	}

	int height(MemorySegment image) {
		return (int) call(() -> (int) this.imageGetHeight.invokeExact(image));
	}

	/** Whether the image carries the metadata item (GType 0 means absent). */
	boolean has(Arena arena, MemorySegment image, String name) {
		MemorySegment field = arena.allocateFrom(name);
		return (long) call(() -> (long) this.imageGetTypeof.invokeExact(image, field)) != 0;
	}

	/** The {@code VipsInterpretation} the loader gave the image, e.g. CMYK. */
	int interpretation(MemorySegment image) {
		return (int) call(() -> (int) this.imageGetInterpretation.invokeExact(image));
	}

	boolean hasAlpha(MemorySegment image) {
		return (int) call(() -> (int) this.imageHasAlpha.invokeExact(image)) != 0;
	}

	MemorySegment copyMemory(MemorySegment image) {
		return (MemorySegment) call(() -> (MemorySegment) this.imageCopyMemory.invokeExact(image));
	}

	/**
	 * Makes the evaluation of the image stop at its next tile or strip, failing the call
	 * that evaluates it; safe from another thread.
	 */
	void kill(MemorySegment image) {
		run(() -> {
			this.imageSetKill.invokeExact(image, 1);
		});
	}

	int thumbnailBuffer(Arena arena, MemorySegment buffer, MemorySegment out, int side, @Nullable String exportProfile,
			String loadOptions) {
		MemorySegment profile = (exportProfile != null) ? arena.allocateFrom(exportProfile) : MemorySegment.NULL;
		return (int) call(() -> (int) this.thumbnailBuffer.invokeExact(buffer, buffer.byteSize(), out, side,
				arena.allocateFrom("height"), side, arena.allocateFrom("size"), SIZE_DOWN,
				arena.allocateFrom("no_rotate"), 0, arena.allocateFrom("export_profile"), profile,
				arena.allocateFrom("option_string"), arena.allocateFrom(loadOptions), MemorySegment.NULL));
	}

	/**
	 * Loads a JPEG with the JPEG loader itself, never another one libvips would sniff;
	 * lazy, so with a shrink of 1 only the header is read.
	 */
	int jpegloadBuffer(Arena arena, MemorySegment buffer, MemorySegment out, int shrink, int failOn, int access) {
		return (int) call(() -> (int) this.jpegloadBuffer.invokeExact(buffer, buffer.byteSize(), out,
				arena.allocateFrom("shrink"), shrink, arena.allocateFrom("fail_on"), failOn,
				arena.allocateFrom("access"), access, MemorySegment.NULL));
	}

	int resize(Arena arena, MemorySegment in, MemorySegment out, double hscale, double vscale, int kernel, double gap) {
		return (int) call(() -> (int) this.resize.invokeExact(in, out, hscale, arena.allocateFrom("vscale"), vscale,
				arena.allocateFrom("kernel"), kernel, arena.allocateFrom("gap"), gap, MemorySegment.NULL));
	}

	/** Converts from the embedded profile to the named one. */
	int iccTransform(Arena arena, MemorySegment in, MemorySegment out, String profile) {
		return (int) call(() -> (int) this.iccTransform.invokeExact(in, out, arena.allocateFrom(profile),
				arena.allocateFrom("embedded"), 1, MemorySegment.NULL));
	}

	/** Applies the orientation tag and removes it. */
	int autorot(MemorySegment in, MemorySegment out) {
		return (int) call(() -> (int) this.autorot.invokeExact(in, out, MemorySegment.NULL));
	}

	int colourspace(MemorySegment in, MemorySegment out, int space) {
		return (int) call(() -> (int) this.colourspace.invokeExact(in, out, space, MemorySegment.NULL));
	}

	int flattenOnto(Arena arena, MemorySegment in, MemorySegment out, double... background) {
		MemorySegment values = arena.allocateFrom(JAVA_DOUBLE, background);
		MemorySegment array = (MemorySegment) call(
				() -> (MemorySegment) this.arrayDoubleNew.invokeExact(values, background.length));
		try {
			return (int) call(() -> (int) this.flatten.invokeExact(in, out, arena.allocateFrom("background"), array,
					MemorySegment.NULL));
		}
		finally {
			run(() -> {
				this.areaUnref.invokeExact(array);
			});
		}
	}

	int jpegsaveBuffer(Arena arena, MemorySegment in, MemorySegment buf, MemorySegment len, int quality) {
		return (int) call(() -> (int) this.jpegsaveBuffer.invokeExact(in, buf, len, arena.allocateFrom("Q"), quality,
				arena.allocateFrom("strip"), 1, MemorySegment.NULL));
	}

	/** Takes and clears libvips' error log (it is per process, so may mix jobs). */
	String takeErrors() {
		MemorySegment text = (MemorySegment) call(() -> (MemorySegment) this.errorBuffer.invokeExact());
		String errors = text.equals(MemorySegment.NULL) ? "" : text.reinterpret(Long.MAX_VALUE).getString(0).strip();
		run(() -> {
			this.errorClear.invokeExact();
		});
		return errors;
	}

	void ref(MemorySegment object) {
		call(() -> (MemorySegment) this.objectRef.invokeExact(object));
	}

	void unref(MemorySegment object) {
		if (!object.equals(MemorySegment.NULL)) {
			run(() -> {
				this.objectUnref.invokeExact(object);
			});
		}
	}

	void free(MemorySegment memory) {
		run(() -> {
			this.free.invokeExact(memory);
		});
	}

	static MemorySegment pointer(MemorySegment cell) {
		return cell.get(ValueLayout.ADDRESS, 0);
	}

	@FunctionalInterface
	private interface NativeCall {

		Object invoke() throws Throwable;

	}

	/** A downcall returning nothing. */
	@FunctionalInterface
	private interface NativeRun {

		void invoke() throws Throwable;

	}

	/** Method handles declare Throwable; a downcall itself throws nothing checked. */
	private static void run(NativeRun run) {
		call(() -> {
			run.invoke();
			return MemorySegment.NULL;
		});
	}

	private static Object call(NativeCall call) {
		try {
			return call.invoke();
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

}
