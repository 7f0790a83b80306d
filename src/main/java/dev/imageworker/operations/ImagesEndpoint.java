package dev.imageworker.operations;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import dev.imageworker.catalog.ImageCatalog;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/images/{imageId}}: the catalogue item of one image as plain JSON
 * (status, error code, variants, attempts), or 404 when the worker never saw it.
 */
@Component
@Endpoint(id = "images")
@ConditionalOnProperty("image-worker.operator.password")
class ImagesEndpoint {

	private final ImageCatalog catalog;

	ImagesEndpoint(ImageCatalog catalog) {
		this.catalog = catalog;
	}

	@ReadOperation
	@Nullable Map<String, Object> image(@Selector String imageId) {
		return this.catalog.find(imageId).map(ImagesEndpoint::plainItem).orElse(null);
	}

	private static Map<String, Object> plainItem(Map<String, AttributeValue> item) {
		Map<String, Object> plain = new TreeMap<>();
		item.forEach((name, value) -> plain.put(name, plain(value)));
		return plain;
	}

	private static @Nullable Object plain(AttributeValue value) {
		return switch (value.type()) {
			case S -> value.s();
			case N -> new java.math.BigDecimal(value.n());
			case BOOL -> value.bool();
			case L -> value.l().stream().map(ImagesEndpoint::plain).toList();
			case M -> {
				Map<String, Object> map = new LinkedHashMap<>();
				value.m().forEach((name, inner) -> map.put(name, plain(inner)));
				yield map;
			}
			default -> value.toString();
		};
	}

}
