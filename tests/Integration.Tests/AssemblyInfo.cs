// Integration tests time real protocol exchanges on 2 shared cores: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
