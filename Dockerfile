# Multi-stage build of Segmenter's programs. One image per program: docker build --target silo|driver|reader|embedded .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Segmenter.sln ./
COPY Streaming.Abstractions/ Streaming.Abstractions/
COPY Grains.Interfaces/ Grains.Interfaces/
COPY Grains/ Grains/
COPY Persistence.Redis/ Persistence.Redis/
COPY Hosting/ Hosting/
COPY Serialization/ Serialization/
COPY Streaming.Kafka/ Streaming.Kafka/
COPY Streaming.Kafka.Security/ Streaming.Kafka.Security/
COPY Streaming.EventHubs/ Streaming.EventHubs/
COPY Cli/ Cli/
COPY Embedded.Kafka/ Embedded.Kafka/
COPY Embedded/ Embedded/
COPY Silo/ Silo/
COPY Driver/ Driver/
COPY Reader/ Reader/
RUN dotnet publish Silo/Silo.csproj -c Release -o /out/silo \
 && dotnet publish Driver/Driver.csproj -c Release -o /out/driver \
 && dotnet publish Reader/Reader.csproj -c Release -o /out/reader

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# Non-root: the images ship a 'app' user (uid 1654).
USER app
WORKDIR /app

FROM runtime AS silo
COPY --from=build /out/silo .
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    Segmenter__Profile=cluster
EXPOSE 8080 11111 30000
ENTRYPOINT ["dotnet", "Segmenter.Silo.dll"]

FROM runtime AS driver
COPY --from=build /out/driver .
ENTRYPOINT ["dotnet", "Segmenter.Driver.dll"]

FROM runtime AS reader
COPY --from=build /out/reader .
ENTRYPOINT ["dotnet", "Segmenter.Reader.dll"]
