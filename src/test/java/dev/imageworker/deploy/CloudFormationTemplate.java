package dev.imageworker.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The CloudFormation template read as CloudFormation reads it: short-form intrinsic
 * functions ({@code !Ref}, {@code !Sub}, ...) become their long form ({@code Ref},
 * {@code Fn::Sub}, ...), so tests see one shape whichever was written.
 */
final class CloudFormationTemplate {

	static final Path PATH = Path.of("deploy/cloudformation/image-worker.yaml");

	/**
	 * Resource types moto's CloudFormation does not implement: it reports them created
	 * and creates nothing. {@code CloudFormationStackIT} checks this list against what
	 * moto really created, and {@code CloudFormationTemplateTests} asserts their
	 * properties from the template instead (and the IT sends most of them to the service
	 * APIs moto does implement).
	 */
	static final Set<String> NOT_IMPLEMENTED_BY_MOTO = Set.of("AWS::SQS::QueuePolicy", "AWS::S3::BucketPolicy",
			"AWS::SNS::TopicPolicy", "AWS::ApplicationAutoScaling::ScalableTarget",
			"AWS::ApplicationAutoScaling::ScalingPolicy", "AWS::CloudWatch::Alarm", "AWS::CloudFront::Distribution",
			"AWS::CloudFront::OriginAccessControl");

	private static final List<String> INTRINSICS = List.of("Ref", "Condition", "GetAtt", "Sub", "If", "Join", "Select",
			"Split", "Equals", "Not", "And", "Or", "FindInMap", "Base64", "GetAZs", "ImportValue", "Cidr",
			"ToJsonString", "Length");

	private final Map<String, Object> template;

	private CloudFormationTemplate(Map<String, Object> template) {
		this.template = template;
	}

	static CloudFormationTemplate load() {
		try {
			return parse(Files.readString(PATH));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@SuppressWarnings("unchecked")
	static CloudFormationTemplate parse(String yaml) {
		return new CloudFormationTemplate((Map<String, Object>) new Yaml(new IntrinsicConstructor()).load(yaml));
	}

	Map<String, Object> root() {
		return this.template;
	}

	@SuppressWarnings("unchecked")
	Map<String, Map<String, Object>> resources() {
		return (Map<String, Map<String, Object>>) this.template.get("Resources");
	}

	Map<String, Object> resource(String logicalId) {
		Map<String, Object> resource = resources().get(logicalId);
		if (resource == null) {
			throw new AssertionError("No resource " + logicalId + " in " + PATH);
		}
		return resource;
	}

	@SuppressWarnings("unchecked")
	Map<String, Object> properties(String logicalId) {
		return (Map<String, Object>) resource(logicalId).get("Properties");
	}

	/** The logical ids of the resources of a type. */
	List<String> ofType(String type) {
		List<String> ids = new ArrayList<>();
		resources().forEach((id, resource) -> {
			if (type.equals(resource.get("Type"))) {
				ids.add(id);
			}
		});
		return ids;
	}

	Set<String> types() {
		Set<String> types = new TreeSet<>();
		resources().values().forEach((resource) -> types.add((String) resource.get("Type")));
		return types;
	}

	@SuppressWarnings("unchecked")
	Map<String, Map<String, Object>> parameters() {
		return (Map<String, Map<String, Object>>) this.template.get("Parameters");
	}

	Object defaultOf(String parameter) {
		return parameters().get(parameter).get("Default");
	}

	@SuppressWarnings("unchecked")
	Map<String, Map<String, Object>> outputs() {
		return (Map<String, Map<String, Object>>) this.template.get("Outputs");
	}

	/** A long-form intrinsic function: {@code {"Ref": name}}. */
	static Map<String, Object> ref(String name) {
		return Map.of("Ref", name);
	}

	static Map<String, Object> getAtt(String resource, String attribute) {
		return Map.of("Fn::GetAtt", List.of(resource, attribute));
	}

	static Map<String, Object> sub(String text) {
		return Map.of("Fn::Sub", text);
	}

	/** The text of an {@code Fn::Sub}, in either of its two forms. */
	@SuppressWarnings("unchecked")
	static String subText(Object value) {
		if (!(value instanceof Map<?, ?> map) || !map.containsKey("Fn::Sub")) {
			throw new AssertionError("Not an Fn::Sub: " + value);
		}
		Object sub = map.get("Fn::Sub");
		return (sub instanceof List<?> list) ? (String) list.get(0) : (String) sub;
	}

	/**
	 * The variables of an {@code Fn::Sub} in its list form; empty for the string form.
	 */
	@SuppressWarnings("unchecked")
	static Map<String, Object> subVariables(Object value) {
		Object sub = ((Map<String, Object>) value).get("Fn::Sub");
		return (sub instanceof List<?> list) ? (Map<String, Object>) list.get(1) : Map.of();
	}

	/** Short-form intrinsic tags as the long-form maps CloudFormation's JSON uses. */
	private static final class IntrinsicConstructor extends SafeConstructor {

		IntrinsicConstructor() {
			super(new LoaderOptions());
			for (String function : INTRINSICS) {
				String key = function.equals("Ref") || function.equals("Condition") ? function : "Fn::" + function;
				this.yamlConstructors.put(new Tag("!" + function), new AbstractConstruct() {

					@Override
					public Object construct(Node node) {
						Object value = switch (node) {
							case ScalarNode scalar when function.equals("GetAtt") ->
								List.of(scalar.getValue().split("\\.", 2));
							case ScalarNode scalar -> scalar.getValue();
							case SequenceNode sequence -> constructSequence(sequence);
							case MappingNode mapping -> constructMapping(mapping);
							default -> throw new IllegalStateException("Unexpected node " + node);
						};
						Map<String, Object> intrinsic = new LinkedHashMap<>();
						intrinsic.put(key, value);
						return intrinsic;
					}

				});
			}
		}

	}

}
