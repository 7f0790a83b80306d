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

import dev.imageworker.imaging.Dimensions;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * FFM downcalls into {@code libvips.so.42}: start-up, images' metadata, and any operation
 * by name through its GObject interface ({@link VipsOperation}), as pyvips and vips-ffm
 * call libvips. A new operation is a call site, not a binding.
 */
final class Vips {

	static final String LIBRARY = "libvips.so.42";

	/** {@code VIPS_FORMAT_UCHAR}. */
	private static final int BAND_FORMAT_UCHAR = 0;

	/** {@code VIPS_INTERPRETATION_CMYK}. */
	static final int INTERPRETATION_CMYK = 15;

	/**
	 * Where a GParamSpec holds its {@code value_type}: after the instance's class
	 * pointer, the name and the flags (padded to eight bytes).
	 */
	private static final long PARAM_SPEC_VALUE_TYPE = 24;

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

	private final MethodHandle operationNew;

	private final MethodHandle cacheOperationBuild;

	private final MethodHandle objectUnrefOutputs;

	private final MethodHandle classFindProperty;

	private final MethodHandle typeFundamental;

	private final MethodHandle enumFromNick;

	private final MethodHandle setInt;

	private final MethodHandle setDouble;

	private final MethodHandle setPointer;

	private final MethodHandle get;

	private final MethodHandle blobNew;

	private final MethodHandle blobGet;

	private final MethodHandle arrayDoubleNew;

	private final MethodHandle arrayImageNew;

	private final MethodHandle areaUnref;

	private final MethodHandle foreignFindLoadBuffer;

	private final MethodHandle imageNewFromBuffer;

	private final MethodHandle imageGetWidth;

	private final MethodHandle imageGetHeight;

	private final MethodHandle imageGetTypeof;

	private final MethodHandle imageGetInterpretation;

	private final MethodHandle imageHasAlpha;

	private final MethodHandle imageGetBands;

	private final MethodHandle imageGetXoffset;

	private final MethodHandle imageGetYoffset;

	private final MethodHandle imageNewFromMemoryCopy;

	private final MethodHandle imageGetNPages;

	private final MethodHandle imageGetPageHeight;

	private final MethodHandle imageSetInt;

	private final MethodHandle imageCopyMemory;

	private final MethodHandle imageWriteToMemory;

	private final MethodHandle imageSetKill;

	private final MethodHandle errorBuffer;

	private final MethodHandle errorClear;

	private final MethodHandle objectRef;

	private final MethodHandle objectUnref;

	private final MethodHandle free;

	private Vips(SymbolLookup lib, List<String> loaders) {
		this.loaders = List.copyOf(loaders);
		// Every operation, by name: the way pyvips and vips-ffm call libvips, so that a
		// new
		// operation needs a call site rather than a handle of its own.
		this.operationNew = handle(lib, "vips_operation_new", FunctionDescriptor.of(ADDRESS, ADDRESS));
		this.cacheOperationBuild = handle(lib, "vips_cache_operation_build", FunctionDescriptor.of(ADDRESS, ADDRESS));
		this.objectUnrefOutputs = handle(lib, "vips_object_unref_outputs", FunctionDescriptor.ofVoid(ADDRESS));
		this.classFindProperty = handle(lib, "g_object_class_find_property",
				FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
		this.typeFundamental = handle(lib, "g_type_fundamental", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
		this.enumFromNick = handle(lib, "vips_enum_from_nick",
				FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
		// g_object_set (object, name, value, NULL): GLib collects ints, booleans and
		// enums
		// as int, doubles as double, and strings, objects and boxed values as pointers,
		// so three call shapes set any argument.
		this.setInt = variadic(lib, "g_object_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT, ADDRESS), 2);
		this.setDouble = variadic(lib, "g_object_set",
				FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_DOUBLE, ADDRESS), 2);
		this.setPointer = variadic(lib, "g_object_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS),
				2);
		// g_object_get (object, name, &value, NULL) for any output.
		this.get = variadic(lib, "g_object_get", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS), 2);
		this.blobNew = handle(lib, "vips_blob_new", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
		this.blobGet = handle(lib, "vips_blob_get", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
		this.arrayDoubleNew = handle(lib, "vips_array_double_new", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
		this.arrayImageNew = handle(lib, "vips_array_image_new", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
		this.areaUnref = handle(lib, "vips_area_unref", FunctionDescriptor.ofVoid(ADDRESS));
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
		this.imageGetBands = handle(lib, "vips_image_get_bands", FunctionDescriptor.of(JAVA_INT, ADDRESS));
		this.imageGetXoffset = handle(lib, "vips_image_get_xoffset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
		this.imageGetYoffset = handle(lib, "vips_image_get_yoffset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
		this.imageNewFromMemoryCopy = handle(lib, "vips_image_new_from_memory_copy",
				FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
		this.imageGetNPages = handle(lib, "vips_image_get_n_pages", FunctionDescriptor.of(JAVA_INT, ADDRESS));
		this.imageGetPageHeight = handle(lib, "vips_image_get_page_height", FunctionDescriptor.of(JAVA_INT, ADDRESS));
		this.imageSetInt = handle(lib, "vips_image_set_int", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT));
		this.imageCopyMemory = handle(lib, "vips_image_copy_memory", FunctionDescriptor.of(ADDRESS, ADDRESS));
		this.imageWriteToMemory = handle(lib, "vips_image_write_to_memory",
				FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
		this.imageSetKill = handle(lib, "vips_image_set_kill", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
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

	/**
	 * A new call of the named operation, whose arguments are set before it is built.
	 * @throws IllegalArgumentException when libvips has no such operation
	 */
	VipsOperation operation(Arena arena, String name) {
		MemorySegment operation = (MemorySegment) call(
				() -> (MemorySegment) this.operationNew.invokeExact(arena.allocateFrom(name)));
		if (operation.equals(MemorySegment.NULL)) {
			throw new IllegalArgumentException("libvips has no operation " + name + ": " + takeErrors());
		}
		return new VipsOperation(this, arena, name, operation);
	}

	/**
	 * The argument's type, from its GParamSpec ({@code value_type} follows the instance's
	 * class, the name and the flags), or 0 when the object has no such argument.
	 */
	long argumentType(MemorySegment object, MemorySegment name) {
		MemorySegment objectClass = object.reinterpret(ADDRESS.byteSize()).get(ADDRESS, 0);
		MemorySegment spec = (MemorySegment) call(
				() -> (MemorySegment) this.classFindProperty.invokeExact(objectClass, name));
		if (spec.equals(MemorySegment.NULL)) {
			return 0;
		}
		return spec.reinterpret(PARAM_SPEC_VALUE_TYPE + JAVA_LONG.byteSize()).get(JAVA_LONG, PARAM_SPEC_VALUE_TYPE);
	}

	long fundamental(long type) {
		return (long) call(() -> (long) this.typeFundamental.invokeExact(type));
	}

	/**
	 * The value of an enum's nick, e.g. {@code cubic} of {@code VipsKernel}; -1 if none.
	 */
	int enumValue(Arena arena, long type, String nick) {
		MemorySegment text = arena.allocateFrom(nick);
		int value = (int) call(
				() -> (int) this.enumFromNick.invokeExact(arena.allocateFrom("image-worker"), type, text));
		if (value < 0) {
			// Only a failed lookup logs; the log is the process's, other threads' errors
			// in it.
			takeErrors();
		}
		return value;
	}

	void setInt(MemorySegment object, MemorySegment name, int value) {
		run(() -> {
			this.setInt.invokeExact(object, name, value, MemorySegment.NULL);
		});
	}

	void setDouble(MemorySegment object, MemorySegment name, double value) {
		run(() -> {
			this.setDouble.invokeExact(object, name, value, MemorySegment.NULL);
		});
	}

	void setPointer(MemorySegment object, MemorySegment name, MemorySegment value) {
		run(() -> {
			this.setPointer.invokeExact(object, name, value, MemorySegment.NULL);
		});
	}

	/** Reads an argument into the cell: a new reference for objects and boxed values. */
	void get(MemorySegment object, MemorySegment name, MemorySegment cell) {
		run(() -> {
			this.get.invokeExact(object, name, cell, MemorySegment.NULL);
		});
	}

	/**
	 * Builds the operation, or finds it in the cache: the operation to read outputs from,
	 * or NULL when it failed (libvips' error log says why).
	 */
	MemorySegment build(MemorySegment operation) {
		return (MemorySegment) call(() -> (MemorySegment) this.cacheOperationBuild.invokeExact(operation));
	}

	void unrefOutputs(MemorySegment operation) {
		run(() -> {
			this.objectUnrefOutputs.invokeExact(operation);
		});
	}

	/**
	 * A blob over memory the caller keeps alive for as long as any image made from it:
	 * libvips does not copy or free it.
	 */
	MemorySegment blob(MemorySegment data) {
		return (MemorySegment) call(
				() -> (MemorySegment) this.blobNew.invokeExact(MemorySegment.NULL, data, data.byteSize()));
	}

	/** Copies a blob's bytes out. */
	byte[] blobBytes(Arena arena, MemorySegment blob) {
		MemorySegment length = arena.allocate(JAVA_LONG);
		MemorySegment data = (MemorySegment) call(() -> (MemorySegment) this.blobGet.invokeExact(blob, length));
		return data.reinterpret(length.get(JAVA_LONG, 0)).toArray(ValueLayout.JAVA_BYTE);
	}

	MemorySegment doubles(Arena arena, double... values) {
		MemorySegment array = arena.allocateFrom(JAVA_DOUBLE, values);
		return (MemorySegment) call(() -> (MemorySegment) this.arrayDoubleNew.invokeExact(array, values.length));
	}

	/** An array of images, holding a reference to each. */
	MemorySegment images(Arena arena, List<MemorySegment> images) {
		MemorySegment array = arena.allocate(ADDRESS, images.size());
		for (int i = 0; i < images.size(); i++) {
			array.setAtIndex(ADDRESS, i, images.get(i));
		}
		return (MemorySegment) call(() -> (MemorySegment) this.arrayImageNew.invokeExact(array, images.size()));
	}

	/** Drops a reference to a boxed array or blob. */
	void unrefArea(MemorySegment area) {
		run(() -> {
			this.areaUnref.invokeExact(area);
		});
	}

	int bands(MemorySegment image) {
		return (int) call(() -> (int) this.imageGetBands.invokeExact(image));
	}

	/**
	 * Where an extracted area sat in its source: extracting sets the offsets to minus its
	 * left and top.
	 */
	Dimensions offset(MemorySegment image) {
		int x = (int) call(() -> (int) this.imageGetXoffset.invokeExact(image));
		int y = (int) call(() -> (int) this.imageGetYoffset.invokeExact(image));
		return new Dimensions(-x, -y);
	}

	/** An 8-bit image of the pixels, band-interleaved, which libvips copies. */
	MemorySegment image(Arena arena, byte[] pixels, int width, int height, int bands) {
		MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, pixels);
		return (MemorySegment) call(() -> (MemorySegment) this.imageNewFromMemoryCopy.invokeExact(data,
				(long) pixels.length, width, height, bands, BAND_FORMAT_UCHAR));
	}

	/** Frames in the file, as the loader's header tells; 1 for a still image. */
	int pages(MemorySegment image) {
		return (int) call(() -> (int) this.imageGetNPages.invokeExact(image));
	}

	/** The height of one frame of an image holding several stacked, else its height. */
	int pageHeight(MemorySegment image) {
		return (int) call(() -> (int) this.imageGetPageHeight.invokeExact(image));
	}

	/** Sets metadata on an image the caller alone holds (a fresh copy). */
	void setIntItem(Arena arena, MemorySegment image, String name, int value) {
		MemorySegment field = arena.allocateFrom(name);
		run(() -> {
			this.imageSetInt.invokeExact(image, field, value);
		});
	}

	/** Renders the image and copies its pixels out, band-interleaved. */
	byte @Nullable [] pixels(Arena arena, MemorySegment image) {
		MemorySegment length = arena.allocate(JAVA_LONG);
		MemorySegment data = (MemorySegment) call(
				() -> (MemorySegment) this.imageWriteToMemory.invokeExact(image, length));
		if (data.equals(MemorySegment.NULL)) {
			return null;
		}
		try {
			return data.reinterpret(length.get(JAVA_LONG, 0)).toArray(ValueLayout.JAVA_BYTE);
		}
		finally {
			free(data);
		}
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
