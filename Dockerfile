# gdpr-check in a container: `docker build -t gdpr-check .` in a checkout of a release tag,
# then `docker run --rm -v "$PWD:/work" gdpr-check check` in a project (docs/ci.md).
# It installs this source tree (the distribution gdpr-policy-check), never the unrelated
# `gdpr-check` of PyPI.
FROM python:3.12-slim
COPY . /src
RUN pip install --no-cache-dir /src && rm -rf /src \
    && useradd --create-home --uid 10001 checker
USER checker
WORKDIR /work
ENTRYPOINT ["gdpr-check"]
CMD ["check", "."]
