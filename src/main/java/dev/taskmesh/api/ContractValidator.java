package dev.taskmesh.api;

import static io.vertx.openapi.validation.ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.InputTrustHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Style;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidationContext;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.analyser.ContentAnalyser;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.transformer.FormTransformer;
import io.vertx.openapi.validation.transformer.LabelTransformer;
import io.vertx.openapi.validation.transformer.MatrixTransformer;
import io.vertx.openapi.validation.transformer.ParameterTransformer;
import io.vertx.openapi.validation.transformer.SimpleTransformer;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates requests against the contract exactly as vertx-openapi's own validator does (same
 * transformers, schemas and errors), without its two costs on every request: a hop to a worker
 * thread ({@code executeBlocking}) and a new schema validator per parameter, each copying the whole
 * schema repository. Here each schema's validator is built once and validation runs on the event
 * loop: it is a few microseconds of CPU on bounded input (the body limit applies first).
 *
 * <p>One instance per router, so per event loop: the cache needs no locking.
 */
final class ContractValidator extends RequestValidatorImpl {

  private final Map<Style, ParameterTransformer> transformers = new EnumMap<>(Style.class);
  private final Map<JsonSchema, Validator> validators = new IdentityHashMap<>();
  private final Map<JsonSchema, Optional<StringRule>> stringRules = new IdentityHashMap<>();

  ContractValidator(Vertx vertx, OpenAPIContract contract) {
    super(vertx, contract);
    transformers.put(Style.SIMPLE, new SimpleTransformer());
    transformers.put(Style.LABEL, new LabelTransformer());
    transformers.put(Style.MATRIX, new MatrixTransformer());
    transformers.put(Style.FORM, new FormTransformer());
  }

  /** The route handler: validates, stores the validated request where operation handlers look, or fails with 400. */
  InputTrustHandler handler(Operation operation, RequestExtractor extractor) {
    return ctx -> extractor.extractValidatableRequest(ctx, operation)
        .compose(request -> validate(request, operation.getOperationId()))
        .onSuccess(validated -> {
          ctx.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated);
          ctx.next();
        })
        .onFailure(e -> fail(ctx, e));
  }

  private static void fail(RoutingContext ctx, Throwable e) {
    ctx.fail(e instanceof ValidatorException ? new HttpException(HttpResponseStatus.BAD_REQUEST.code(), e.getMessage(), e) : e);
  }

  @Override
  public Future<ValidatedRequest> validate(ValidatableRequest request, String operationId) {
    return getOperation(operationId).compose(operation -> {
      try {
        return Future.succeededFuture(validateNow(request, operation));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
  }

  private ValidatedRequest validateNow(ValidatableRequest request, Operation operation) {
    Map<String, RequestParameter> cookies = new java.util.HashMap<>(2);
    Map<String, RequestParameter> headers = new java.util.HashMap<>(2);
    Map<String, RequestParameter> path = new java.util.HashMap<>(2);
    Map<String, RequestParameter> query = new java.util.HashMap<>(4);
    for (Parameter param : operation.getParameters()) {
      switch (param.getIn()) {
        case COOKIE -> cookies.put(param.getName(), validateParameter(param, request.getCookies().get(param.getName())));
        case HEADER -> headers.put(param.getName(), validateParameter(param, request.getHeaders().get(param.getName())));
        case PATH -> path.put(param.getName(), validateParameter(param, request.getPathParameters().get(param.getName())));
        case QUERY -> query.put(param.getName(), validateParameter(param, request.getQuery().get(param.getName())));
      }
    }
    RequestParameter body = validateBody(operation.getRequestBody(), request);
    return new io.vertx.openapi.validation.impl.ValidatedRequestImpl(cookies, headers, path, query, body);
  }

  @Override
  public RequestParameter validateParameter(Parameter parameter, RequestParameter value) throws ValidatorException {
    if (value == null || value.isNull()) {
      if (parameter.isRequired()) {
        throw ValidatorException.createMissingRequiredParameter(parameter);
      }
      return new RequestParameterImpl(null);
    }
    ParameterTransformer transformer = transformers.get(parameter.getStyle());
    if (transformer == null) {
      throw ValidatorException.createUnsupportedValueFormat(parameter);
    }
    String raw = String.valueOf(value.get());
    Object transformed = isPlainString(parameter, raw) ? raw : transformer.transform(parameter, raw);
    if (transformed instanceof String text && stringRule(parameter.getSchema()).map(rule -> rule.accepts(text)).orElse(false)) {
      return new RequestParameterImpl(transformed);
    }
    OutputUnit result = validator(parameter.getSchema()).validate(transformed);
    try {
      result.checkValidity();
      return new RequestParameterImpl(transformed);
    } catch (JsonSchemaValidationException e) {
      throw SchemaValidationException.createErrorFromOutputUnitType(parameter, result, e);
    }
  }

  /**
   * A simple-style string parameter whose raw text cannot be JSON (no quote, bracket, brace,
   * backslash or space, and not a number literal) is that text: vertx-openapi's transformer would get
   * the same answer, but only after a failed JSON parse and its exception (ids such as UUIDs).
   */
  static boolean isPlainString(Parameter parameter, String raw) {
    if (parameter.getStyle() != Style.SIMPLE || parameter.getSchemaType() != io.vertx.json.schema.common.dsl.SchemaType.STRING || raw.isEmpty()) {
      return false;
    }
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
      if (!safe) {
        return false;
      }
    }
    return !JSON_NUMBER.matcher(raw).matches();
  }

  private static final Pattern JSON_NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");

  @Override
  protected RequestParameterImpl validate(MediaType mediaType, String contentType, Buffer rawContent, ValidationContext context) {
    ContentAnalyser analyser = mediaType == null ? null : ContentAnalyser.getContentAnalyser(mediaType, contentType, rawContent, context);
    if (analyser == null) {
      throw new ValidatorException("The format of the " + context + " body is not supported", UNSUPPORTED_VALUE_FORMAT);
    }
    analyser.checkSyntacticalCorrectness();
    if (!isSchemaValidationRequired(mediaType)) {
      return new RequestParameterImpl(rawContent);
    }
    Object transformed = analyser.transform();
    OutputUnit result = validator(mediaType.getSchema()).validate(transformed);
    try {
      result.checkValidity();
      return new RequestParameterImpl(transformed);
    } catch (JsonSchemaValidationException e) {
      throw SchemaValidationException.createInvalidValueBody(result, context, e);
    }
  }

  /**
   * A schema that only says "a string, matching this pattern, of this length" (ids, keys) is checked
   * here with its pattern compiled once: the schema validator compiles the pattern again on every
   * call. Only an accepted value takes this path, and only an ASCII one (so every way of counting
   * its length agrees); anything else goes to the schema validator, which also words the error.
   */
  record StringRule(Pattern pattern, int minLength, int maxLength) {
    private static final Set<String> KEYWORDS = Set.of("type", "pattern", "minLength", "maxLength");

    static Optional<StringRule> of(JsonSchema schema) {
      Set<String> keywords = schema.fieldNames();
      if (!"string".equals(schema.get("type")) || !KEYWORDS.containsAll(keywords)) {
        return Optional.empty();
      }
      Object pattern = schema.get("pattern");
      Object min = schema.get("minLength");
      Object max = schema.get("maxLength");
      if ((pattern != null && !(pattern instanceof String)) || (min != null && !(min instanceof Integer)) || (max != null && !(max instanceof Integer))) {
        return Optional.empty();
      }
      return Optional.of(new StringRule(pattern == null ? null : Pattern.compile((String) pattern),
          min == null ? 0 : (Integer) min, max == null ? Integer.MAX_VALUE : (Integer) max));
    }

    boolean accepts(String value) {
      for (int i = 0; i < value.length(); i++) {
        if (value.charAt(i) > 0x7F) {
          return false;
        }
      }
      return value.length() >= minLength && value.length() <= maxLength && (pattern == null || pattern.matcher(value).find());
    }
  }

  Optional<StringRule> stringRule(JsonSchema schema) {
    return stringRules.computeIfAbsent(schema, StringRule::of);
  }

  private Validator validator(JsonSchema schema) {
    return validators.computeIfAbsent(schema, s -> contract.getSchemaRepository().validator(s));
  }
}
