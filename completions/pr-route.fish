function __pr-route_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pr-route_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __pr-route_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pr-route_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __pr-route_parse_tokens -S
    set -l unparsed_tokens (__pr-route_tokens -pc)
    switch $unparsed_tokens[1]
    case 'pr-route'
        __pr-route_parse_subcommand 1 'graph=' 'weights=' 'split=' 'support=' 'llms=' 'embeddings=' 'allow-unknown-users' 'every-turn' 'threads=' 'model-dir=' 'o/output=' 'line-buffered' 'keep-going' 'errors=' 'q/quiet' 'v/verbose' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __pr-route_parse_subcommand -r 1 'version'
        end
    end
end

function __pr-route_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __pr-route_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __pr-route_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __pr-route_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__pr-route_tokens -p)
    if test -z "$(__pr-route_tokens -t)"
        set -l index (count (__pr-route_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'pr-route' -f
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_positional "pr-route" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" graph' -l 'graph' -d 'The graph file the model was trained on.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'prg\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" weights' -l 'weights' -d 'The weights file from pr-train.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'prw\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" split' -l 'split' -d 'Route the graph\'s own query nodes of this split.' -rfka 'train val test support'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" support' -l 'support' -d 'Past interactions (interactions.jsonl; conversations.jsonl for gmt) of users not in the graph.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" llms' -l 'llms' -d 'Descriptions and prices (llms.jsonl) of LLMs not in the graph used by --support.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" embeddings' -l 'embeddings' -d 'Vectors for new queries, when the graph was embedded with external vectors.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" allow-unknown-users' -l 'allow-unknown-users' -d 'Route users without observed interactions with an empty profile instead of failing.'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" every-turn' -l 'every-turn' -d 'With a gmt model, route every input turn given the turns before it, not just each conversation\'s last.'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" threads' -l 'threads' -d 'OpenBLAS threads.' -rfka ''
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" model-dir' -l 'model-dir' -d 'The all-MiniLM-L6-v2 model folder, for a graph embedded with --encoder minilm.' -rfa '(__pr-route_complete_directories)'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" o output' -l 'output' -s 'o' -d 'Write to this file (atomically) instead of standard output.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" line-buffered' -l 'line-buffered' -d 'Flush every route line as it is written (routes are flushed a batch at a time without it).'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" keep-going' -l 'keep-going' -d 'Route every good input line; skip bad ones, report them (see --errors) and exit 65 at the end.'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" errors' -l 'errors' -d 'With --keep-going, write the skipped lines\' errors here as {"line","error"} lines (default: standard error).' -rF
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" q quiet' -l 'quiet' -s 'q' -d 'Print nothing on standard error but warnings and errors.'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" v verbose' -l 'verbose' -s 'v' -d 'Finish with the run\'s time and peak memory on standard error.'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" version' -l 'version' -d 'Show the version.'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_positional "pr-route" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'pr-route' -n '__pr-route_should_offer_completions_for_flags_or_options "pr-route help" version' -l 'version' -d 'Show the version.'
